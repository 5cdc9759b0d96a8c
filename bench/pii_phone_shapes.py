"""Phone numbers of random shapes, in plain sentences: how many the detector finds (a tuning probe).

    .venv/bin/python bench/pii_phone_shapes.py [--docs 800] [--seed 11]
        [--set cued|uncued|fresh|fresh2|neighbours|fresh3|fresh4|names]
        [--numbers random|faker] [--show-misses]

Numbers are drawn digit by digit in random groupings (a first group of one to five digits, then groups
of two to four; one separator for the number, sometimes a different one after the first group) and
written with a trunk 0, a country code ("+46 ", "+46 (0)", "0046 "), an area code in brackets, or bare.
``cued`` puts them in sentences with a phone word, a label or a name before them; ``uncued`` (trunk and
country-code shapes only) in sentences with no phone word; ``fresh`` (all shapes) in twenty frames written
in the ninth round (messages, lists, notes), ``fresh2`` in twenty more written in the tenth (a CSV row, a
chat line, a signature, labels in German, French, Polish, Dutch and Spanish), ``neighbours`` in twenty with
other personal data beside the number (an address, an e-mail address, an IBAN, a date); ``fresh3``,
``fresh4`` and ``names`` in frames written in the eleventh round (records, signs and labels in seven
languages; documents of several lines; a number beside a name and nothing else, names from every Latin- or
Cyrillic-script locale outside the held-out list). No Faker phone format and no
corpus split is used (Faker gives only the names: en_GB, and for ``fresh2`` six tuning locales): this probe
is the project's own, written to find shapes the national patterns miss (seventh round), and is tuned on;
the held-out part of bench/pii_heldout.py is what measures.
"""

from __future__ import annotations

import argparse
import random
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

CUED = ("Please call me on {p} tomorrow.", "Tel.: {p}", "{n} - {p}", "Mobile {p}\n", "Contact: {n}, {p}",
        "You can reach {n} at {p} after six.", "{n}\n{p}\n", "Phone: {p} (evenings)",
        "Dear team,\nmy number changed to {p}. Regards, {n}", "Ring {p} if the van is late.",
        "{n}, tel. {p}, fax {q}", "Kontakt: {p}")
UNCUED = ("The courier left {p} on the note.", "{n} | {p} | Leeds", "Best,\n{n}\n{p}\nwww.example.org",
          "{n} ({p})", "If it fails again, {p} is the fastest way to me.", "Alt. {p}", "emergency: {p}",
          "From: {n}\nSent from my phone\n{p}")
# Frames written in the ninth round, after the two sets above were tuned on: run once before any rule was
# changed for them (see BENCHMARKS.md), then tuned on like the others.
FRESH = ("Hi {n}, it's me again - {p}, call back pls", "Landlord: {n} / {p} / keys with neighbour",
         "Contacts\n- {n}: {p}\n- Office: {q}", "Sorry I missed you! Try {p} or my office line {q}.",
         "WhatsApp {p} (no calls)", "Tel {p} · Fax {q}", "Questions? {p}", "{p} - {n} (plumber)",
         "For urgent matters: {p}", "Mob: {p}\nEmail: someone@example.org", "I can be reached on {p} until Friday.",
         "Text {n} on {p}", "Phone number: {p}", "\"{p}\" is the number she gave me.", "Fax no. {q}; phone {p}",
         "Parent/guardian: {n}, {p}", "Please ring the school office ({p}) before 9.",
         "Caller ID showed {p} at 14:05.", "Emergency contact - {n} - {p}", "{n} asked us to use {p} from now on.")
# Frames written in the tenth round, after everything above was tuned on, with names from six tuning locales
# (en_GB, de_DE, fr_FR, es_ES, pl_PL, nl_NL): run once before any rule was changed for them (BENCHMARKS.md).
FRESH2 = ("Re: your callback request\n{n} - {p}\nBest time: mornings", "Name;Phone;City\n{n};{p};Leeds",
          "{n} <{p}>", "[10:42] {n}: my cell is {p}", "Neighbour ({n}) has a key - {p}.",
          "Delivery notes: leave at door, if problems {p}", "Notfallkontakt: {n}, Tel. {p}",
          "Pour toute question : {p}", "Numer telefonu: {p}", "Bel gerust: {p}", "Llámame al {p}",
          "{n} (mobile {p}, home {q})", "Reply to this message or dial {p}.",
          "Transcript: caller gave {p} as callback number.", "Signature:\n{n}\nSales\n{p} | {q}",
          "Out of office. In urgent cases please contact {n} on {p}.", "Old: {q}\nNew: {p}", "{p}\n{n}\n",
          "Her sister ({p}) will pick her up.", "The form lists {p} under 'daytime number'.")
# Frames written later in the tenth round: the number beside other personal data (an address, an e-mail
# address, an IBAN, a date of birth) in records, headers and blocks; run once before any rule was changed
# for them (BENCHMARKS.md).
NEIGHBOURS = ("{n}, {a}, {p}", "{a}\n{p}\n{e}", "IBAN {i} / Tel. {p}", "Born {d}, phone {p}",
              "{n}\n{a}\nT {p} | E {e}", "Ship to: {n}, {a} ({p})", "{p}, {e}, {a}",
              "Patient: {n}\nDOB: {d}\nContact: {p}", "Guest {n} - room 214 - {p}", "{n} ({d}) {p}",
              "Customer: {n}; Address: {a}; Phone: {p}; Email: {e}", "Sender: {e}\nCallback: {p}",
              "Delivery to {a}. Driver to ring {p} on arrival.", "From {n} <{e}>\nSent: {d}\nMobile: {p}",
              "{a} · {p}", "Contact person {n}, {p}, {e}", "{n}\t{p}\t{e}\t{a}", "Emergency: {n} ({d}), {p}",
              "{n} | IBAN {i} | {p}", "Booking for {n} on {d}, confirmation sent to {p} by SMS.")
# Frames written in the eleventh round (2026-12-07), after everything above was tuned on: structured records
# (a log line, JSON, a vCard, a Markdown table), one-letter signature labels, symbols, and labels in Italian,
# Spanish, French, German, Polish, Dutch and Turkish; names from ten locales outside the held-out list. Run
# once before any rule was changed for them (BENCHMARKS.md).
FRESH3 = ("Cellulare: {p}", "Ordre 4471 - client {n} - t\u00e9l {p}", "| {n} | {p} | open |",
          "name={n} phone={p} status=open", '{"name": "{n}", "phone": "{p}"}',
          "BEGIN:VCARD\nFN:{n}\nTEL;TYPE=cell:{p}\nEND:VCARD", "{n}\nM: {p}\nT: {q}", "\u260e {p}",
          "ph. {p} (after 5pm)", "Callback requested by {n} ({p}) re: invoice 20931",
          "Ticket #55120 opened by {n}. Contact number on file: {p}.", "tel. kom. {p}",
          "Driver {n} can be contacted via {p} or radio channel 4.", "Tel./Fax {p}",
          "{n} rang from {p} about the boiler.", "SMS to {p}: your appointment is confirmed for Tuesday.",
          "N\u00ba de tel\u00e9fono: {p}", "Telefonnummer: {p}", "Cep: {p}", "Telefoonnummer {n}: {p}")
# Frames written later in the eleventh round: documents of several lines (a tab-separated export, a chat
# transcript where the number answers a question, a delivery note, a reference letter, a complaint, a form
# with bracketed labels). Run once before any rule was changed for them (BENCHMARKS.md).
FRESH4 = ("name\tphone\tcity\n{n}\t{q}\tLyon\n{n}\t{p}\tNice",
          "[09:14] Agent: Can I have a callback number?\n[09:15] {n}: {p}",
          "[09:14] Agent: What's the best number to reach you?\n[09:15] Customer: it's {p}",
          "Agent: And your number?\nCustomer: {p}, thanks",
          "DELIVERY NOTE\nRecipient: {n}\nRecipient phone {p}\nParcels: 2",
          "Deliver to {n} ({p}), ring twice",
          "To whom it may concern,\n{n} worked with us from 2019 to 2023. Should you need more, I am available on {p}.",
          "I am happy to answer questions on {p} or by e-mail.",
          "Complaint ref 88213\nI tried calling your hotline 5 times. My number: {p}",
          "I have been waiting since Monday. You can call me back at {p} any day.",
          "Name: {n}\nPhone (home): {p}\nPhone (work): {q}", "Tel. (mobile): {p}", "{n}\n{p} (mobile)\n",
          "Contact details\n{n}\n{p}", "Kind regards\n{n}\nDirect line: {p}",
          "Please confirm with the customer on {p} before 10am.", "Phone/WhatsApp: {p}", "id,name,phone\n17,{n},{p}",
          "Courier could not reach the recipient ({p}). Parcel returned.", "Recipient: {n}, {p}")
# Frames written later still in the eleventh round: the number beside a name and nothing else that says it is a
# phone (a contact list, a row, a signature), so that finding it may hang on finding the name; names from every
# latin-script locale outside the held-out list, Cyrillic ones transliterated ("--set names"). Run once before
# any rule was changed for them (BENCHMARKS.md).
NAMES = ("{n}\n{p}", "{n}, {p}", "{n}: {p}", "{n} - {p}", "{n} ({p})", "{n}\t{p}", "{n} / {p}", "{n}; {p}",
         "{p} {n}", "{p}, {n}", "{n} | {p}", "Contacts:\n{n} {p}", "- {n}, {p}\n- Office, {q}",
         "{n}\n{p}\n{q}", "Guests: {n} ({p})", "Signed, {n}, {p}")
# Frames written in the twelfth round (notices, forms, reminders, labels in four more languages), run once before
# any rule was changed for them (BENCHMARKS.md); names from every locale outside the held-out list.
FRESH5 = ("INVOICE 2291\nBill to: {n}\nTelephone {p}\nDue: 30 days",
          "Appointment reminder for {n}: Tuesday 9:15. To reschedule call {p}.",
          "Sign-up sheet\n1. {n} {p}\n2. Office {q}",
          "Viewing arranged by {n} (agent), mobile {p}", "Applicant: {n}\nDaytime telephone: {p}\nEvening: {q}",
          "In case of emergency contact {n} on {p}.", "Hotel registration\nGuest name: {n}\nPhone no: {p}",
          "Car hire - driver {n}, contact {p}, licence held 6 years", "Lost dog! Answers to Bruno. Call {p}",
          "{n} called from {p} about the broken boiler.",
          "Please update my details: new mobile {p}, old one {q} no longer works.", "Pickup contact: {n} ({p})",
          "We tried to reach you at {p} but there was no answer.", "Patient: {n}\nNext of kin tel: {p}",
          "Supplier contact - {n}, direct {p}, switchboard {q}", "Msg from {n}: pls call {p} asap",
          "Telefon komórkowy: {p}", "Teléfono de contacto: {p}", "Numero di telefono: {p}", "Telefoonnummer: {p}")
# Documents written later in the twelfth round: claims, reservations, minutes, statements (run once before any
# rule was changed for them, BENCHMARKS.md); names from every locale outside the held-out list.
FRESH6 = ("CLAIM FORM\nPolicy holder: {n}\nDaytime phone: {p}\nDate of loss: 03/11/2026\nDescription: water damage",
          "Claim 88-2291 - third party {n} ({p}) admitted liability.",
          "Witness statement\nName: {n}\nTelephone number: {p}\nI saw the blue car turn left.",
          "Reservation confirmed\nGuest: {n}\nParty of 4, Friday 19:30\nContact: {p}",
          "Table for two under {n}, phone {p}, window seat if possible.",
          "Booking ref. KX2291 | {n} | {p} | 2 nights",
          "Minutes 14 May\nPresent: AB, CD, {n}\nAction: {n} to call the supplier on {p}.",
          "Attendees: {n} (ext. 4411), guest speaker on {p}",
          "Loss adjuster: {n}\nMobile: {p}\nOffice: {q}",
          "The insured, {n}, may be reached at {p} during office hours.",
          "Hi, I'd like to book for Saturday. Name's {n}, number {p}.",
          "RSVP to {n} on {p} by the 12th.",
          "{n} rang from {p} to cancel the 3pm slot.",
          "Vehicle owner: {n}\nTel: {p}\nReg: AB12 CDE",
          "Notes: customer ({n}) prefers calls to {p}; no e-mail.",
          "Damage reported by {n}. Callback {p}. Ref 55120.",
          "Meeting notes - follow up with {n} at {p} re: invoice 2291",
          "Emergency repair contractor: {n}, 24h line {p}",
          "Please phone {n} ({p}) to arrange the inspection.",
          "Name\tPhone\tRoom\n{n}\t{p}\t214")
FRESH3_NAMES = ["en_GB", "en_AU", "en_IN", "de_DE", "fr_FR", "es_ES", "it_IT", "pl_PL", "nl_NL", "tr_TR"]
COUNTRY_CODES = (30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 351, 352, 353, 354, 356, 358,
                 359, 370, 371, 372, 380, 385, 386, 420, 421, 55, 54, 56, 57, 61, 64, 81, 82, 90, 971)


def shape(rng: random.Random, styles: tuple[str, ...]) -> str:
    total, groups = rng.randint(8, 10), []
    while sum(groups) < total:
        size = min(total - sum(groups), rng.choice([1, 2, 3, 4, 5] if not groups else [2, 2, 3, 3, 4, 4]))
        groups.append(size + (1 if total - sum(groups) - size == 1 else 0))
    parts = ["".join(rng.choice("0123456789") for _ in range(g)) for g in groups]
    parts[0] = str(rng.randint(1, 9)) + parts[0][1:]
    sep = rng.choice([" ", " ", "-", ".", " "])
    after_first = rng.choice([sep, sep, sep, "/", "-", " "])
    body = parts[0] + (after_first + sep.join(parts[1:]) if len(parts) > 1 else "")
    code = rng.choice(COUNTRY_CODES)
    return {"trunk": f"0{body}", "cc": f"+{code} {body}", "cc0": f"+{code} (0){body}", "00": f"00{code} {body}",
            "paren": f"(0{parts[0]}) " + sep.join(parts[1:]) if len(parts) > 1 else f"0{body}",
            "bare": body}[rng.choice(styles)]


def faker_numbers(seed: int) -> Callable[[], str]:
    """Faker's phone numbers, one locale after another, from every locale outside the held-out list (and
    dk_DK and ga_IE, the held-out countries' other names): the world's formats as Faker writes them (tenth
    round). Numbers of under seven digits are service numbers ("112", "997"), not a person's, and left out."""
    from faker import Faker
    from pii_corpus import locales_outside_held_out

    fakers = [fake for fake in map(Faker, locales_outside_held_out()) if _writes_phones(fake)]
    for i, fake in enumerate(fakers):
        fake.seed_instance(seed + i)
    turn = iter(range(10**9))

    def draw() -> str:
        while True:  # a service number ("112", "997", "1303") is no one's personal data: drawn again
            number = fakers[next(turn) % len(fakers)].phone_number()
            if sum(ch.isdigit() for ch in number) >= 7:
                return number

    return draw


def world_names(seed: int) -> Faker:
    """Names from every locale outside the held-out list that writes them in the Latin script, or in Cyrillic
    (transliterated as the corpus does): a Faker whose ``name()`` turns from one locale to the next."""
    from faker import Faker
    from pii_corpus import locales_outside_held_out, transliterate

    fakers = []
    for i, locale in enumerate(locales_outside_held_out()):
        fake = Faker(locale)
        fake.seed_instance(seed + i)
        if transliterate(fake.name()).isascii() or all(ch.isascii() or (ch.isalpha() and "LATIN" in
                                                       unicodedata.name(ch, "")) for ch in fake.name()):
            fakers.append(fake)
    turn = iter(range(10**9))

    class _Turns:
        def name(self) -> str:
            return transliterate(fakers[next(turn) % len(fakers)].name())

    return cast("Faker", _Turns())


def _writes_phones(fake: Faker) -> bool:
    try:
        return bool(fake.phone_number())
    except AttributeError:  # a locale with no phone provider ("la")
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=800)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--set", default="cued",
                        choices=("cued", "uncued", "fresh", "fresh2", "neighbours", "fresh3", "fresh4", "names",
                                 "fresh5", "fresh6"))
    parser.add_argument("--numbers", choices=("random", "faker", "plans"), default="random",
                        help="random shapes, Faker's phone numbers of every locale outside the held-out list, or "
                             "numbers of fifty-one national plans (bench/phone_plans.py)")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()

    from faker import Faker

    from engine.offline import apply_offline_switches

    apply_offline_switches()
    from phone_plans import plan_numbers
    from pii_quality import airlock_spans

    rng = random.Random(args.seed)
    names = Faker(FRESH3_NAMES if args.set in ("fresh3", "fresh4") else ["en_GB", "de_DE", "fr_FR", "es_ES", "pl_PL",
                                                                         "nl_NL"]
                  if args.set in ("fresh2", "neighbours") else "en_GB")
    names.seed_instance(args.seed)
    if args.set in ("names", "fresh5", "fresh6"):
        names = world_names(args.seed)
    contexts = {"cued": CUED, "uncued": UNCUED, "fresh": FRESH, "fresh2": FRESH2, "neighbours": NEIGHBOURS,
                "fresh3": FRESH3, "fresh4": FRESH4, "names": NAMES, "fresh5": FRESH5, "fresh6": FRESH6}[args.set]
    styles = ("trunk", "cc", "cc0", "paren", "bare", "00") if args.set != "uncued" else (
        "trunk", "trunk", "cc", "cc0", "paren", "00")
    draw = ((lambda: shape(rng, styles)) if args.numbers == "random" else faker_numbers(args.seed)
            if args.numbers == "faker" else plan_numbers(args.seed))
    docs = []
    for i in range(args.docs):
        number, context, name = draw(), contexts[i % len(contexts)], names.name()
        before, _, after = context.partition("{p}")
        other = draw()
        values = {"{n}": name, "{q}": other}
        if args.set == "neighbours":
            values |= {"{a}": f"{names.street_address()}, {names.postcode()} {names.city()}", "{e}": names.email(),
                       "{i}": names.iban(), "{d}": names.date_of_birth().strftime(rng.choice(("%d.%m.%Y", "%Y-%m-%d",
                                                                                                 "%d/%m/%Y")))}
        for key, value in values.items():
            before, after = before.replace(key, value), after.replace(key, value)
        docs.append((context, before + number + after, len(before), len(before) + len(number)))
    found = airlock_spans([text for _, text, _, _ in docs], workers=2)
    missed = [(context, text) for (context, text, s, e), spans in zip(docs, found, strict=True)
              if not any(t == "PHONE_NUMBER" and ps < e and s < pe for t, ps, pe in spans)]
    print(f"{args.set}: found {len(docs) - len(missed)} of {len(docs)} "
          f"(recall {(len(docs) - len(missed)) / len(docs):.3f}), seed {args.seed}")
    for context, n in Counter(c for c, _ in missed).most_common():
        print(f"  missed {n} in {context!r}")
    if args.show_misses:
        for context, text in missed:
            print(f"    {text!r} (frame {context!r})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
