"""A labelled PII corpus from many Faker locales and layouts, split into a tuning part and a held-out part.

The split is fixed here, in code, before any recognizer was tuned against it (commit history shows the
order): the detector may be tuned by looking at the TUNING part only; the HELD-OUT part (other locales
AND other templates) is only ever scored, never read for misses while tuning. ``bench/pii_heldout.py``
prints per-type precision / recall / F1 for either part.

* Tuning locales: en_US, en_GB, de_DE, fr_FR, es_ES, it_IT, nl_NL, pl_PL, ru_RU (transliterated).
* Held-out locales: cs_CZ, fi_FI, hu_HU, sv_SE, pt_BR, uk_UA (transliterated), da_DK, pt_PT, ro_RO,
  sk_SK, de_AT, en_IE.
* Tuning templates: letter, email, ticket, form, csv_rows, address_block, greeting_first_name,
  initials_memo, booking, signature.
* Held-out templates: delivery_note, complaint, chat_transcript, tsv_export, reference_letter,
  appointment_reminder, insurance_claim, minutes_initials, reservation, registration_card.

Ground truth: every planted value is recorded with its offsets. A multi-line postal address is one
STREET_ADDRESS span from the street line to the postcode/town line (the country line is not personal
data and is not planted as such). Names come as full names, with a middle initial, as initials plus
surname, as a given name alone, or as a title plus surname.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

TUNING_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "ru_RU")
HELD_OUT_LOCALES = ("cs_CZ", "fi_FI", "hu_HU", "sv_SE", "pt_BR", "uk_UA", "da_DK", "pt_PT", "ro_RO", "sk_SK",
                    "de_AT", "en_IE")
Gold = tuple[str, int, int]  # (type, start, end)


def locales_outside_held_out() -> list[str]:
    """Every Faker locale the probes may draw from: all but the held-out ones, their countries' other names
    (dk_DK, ga_IE) and a deprecated copy of a tuning locale (fr_QC)."""
    import faker.config

    return [loc for loc in faker.config.AVAILABLE_LOCALES
            if loc not in HELD_OUT_LOCALES and loc not in ("dk_DK", "ga_IE", "fr_QC")]

_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяієїґ",
    ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
     "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "i", "ye", "yi", "g"], strict=True))


def transliterate(text: str) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        if low in _CYRILLIC:
            latin = _CYRILLIC[low]
            out.append(latin.capitalize() if ch != low else latin)
        else:
            out.append(ch)
    return "".join(out)


SENTENCES = (
    "Thank you for your patience while we looked into this.", "The replacement part was ordered yesterday.",
    "Our engineer checked the unit and found a worn seal.", "The invoice will follow by post.",
    "Please let us know if the problem comes back.", "The order was split into two deliveries.",
    "We updated the account as you asked.", "The device was tested for two hours without errors.",
    "Your request has been passed to the billing team.", "The warranty still covers this repair.",
    "We are sorry for the delay in getting back to you.", "The next maintenance visit is planned for spring.",
    "Shipping usually takes three to five working days.", "The printer on the second floor is working again.",
)


class Doc:
    """Text built piece by piece; (type, value) pieces are recorded as ground truth."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.gold: list[Gold] = []

    def add(self, *pieces: str | tuple[str, str]) -> Doc:
        for piece in pieces:
            if isinstance(piece, tuple):
                kind, value = piece
                self.gold.append((kind, self.size, self.size + len(value)))
                piece = value
            self.parts.append(piece)
            self.size += len(piece)
        return self

    @property
    def text(self) -> str:
        return "".join(self.parts)


class Values:
    """Faker values of one locale (Cyrillic transliterated), shaped the way people write them."""

    def __init__(self, locale: str, seed: int) -> None:
        from faker import Faker

        self.locale = locale
        self.f = Faker(locale)
        self.f.seed_instance(seed)
        self.rng = random.Random(seed)
        self.latin = locale in ("ru_RU", "uk_UA")

    def _t(self, s: str) -> str:
        return transliterate(s) if self.latin else s

    def first(self) -> str:
        return self._t(self.f.first_name())

    def last(self) -> str:
        return self._t(self.f.last_name())

    def person(self) -> tuple[str, str]:
        return ("PERSON", f"{self.first()} {self.last()}")

    def person_any(self) -> tuple[str, str]:
        """A full name, or with a middle initial, or initials plus surname."""
        roll = self.rng.random()
        if roll < 0.6:
            return self.person()
        if roll < 0.8:
            return ("PERSON", f"{self.first()} {self.first()[0]}. {self.last()}")
        if roll < 0.9:
            return ("PERSON", f"{self.first()[0]}. {self.last()}")
        return ("PERSON", f"{self.first()[0]}.{self.first()[0]}. {self.last()}")

    def email(self, person: tuple[str, str] | None = None) -> tuple[str, str]:
        if person and self.rng.random() < 0.6:
            words = [w for w in person[1].replace(".", " ").split() if len(w) > 1] or ["info"]
            local = ".".join(words).lower()
            local = "".join(ch for ch in local if ch.isascii() and (ch.isalnum() or ch == ".")) or "info"
            return ("EMAIL_ADDRESS", f"{local}@{self.f.free_email_domain()}")
        return ("EMAIL_ADDRESS", self._t(self.f.email()))

    def phone(self) -> tuple[str, str]:
        return ("PHONE_NUMBER", self.f.phone_number())

    def card(self) -> tuple[str, str]:
        number = self.f.credit_card_number()
        if len(number) == 16 and self.rng.random() < 0.5:
            number = " ".join(number[i:i + 4] for i in range(0, 16, 4))
        return ("CREDIT_CARD", number)

    def iban(self) -> tuple[str, str]:
        iban = self.f.iban()
        if self.rng.random() < 0.5:
            iban = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
        return ("IBAN_CODE", iban)

    def ssn(self) -> tuple[str, str]:
        from faker import Faker

        us = Faker("en_US")
        us.seed_instance(self.rng.randint(0, 10**9))
        return ("US_SSN", us.ssn())

    def ip(self) -> tuple[str, str]:
        roll = self.rng.random()
        ip = self.f.ipv6() if roll < 0.15 else self.f.ipv4_private() if roll < 0.4 else self.f.ipv4_public()
        return ("IP_ADDRESS", ip)

    def street(self) -> tuple[str, str]:
        """One street line, sometimes with an apartment part."""
        line = self._t(self.f.street_address()).replace("\n", ", ").strip()
        if self.rng.random() < 0.25:
            line += self.rng.choice((", Apt. ", ", Flat ", " / ", ", app. ", ", 2nd floor, door ")) + str(
                self.rng.randint(1, 60))
        return ("STREET_ADDRESS", line)

    def postal_address(self) -> tuple[str, str]:
        """The locale's whole postal address (often several lines), cleaned of trailing spaces."""
        block = "\n".join(x.strip() for x in self._t(self.f.address()).splitlines() if x.strip())
        return ("STREET_ADDRESS", block)

    def town(self) -> str:
        return self._t(f"{self.f.postcode()} {self.f.city()}")

    def country(self) -> str:
        from faker import Faker

        if self.rng.random() < 0.7:
            us = Faker("en_US")
            us.seed_instance(self.rng.randint(0, 10**9))  # seeded: the corpus is the same on every run
            return str(us.country())
        return self._t(self.f.country())

    def company(self) -> str:
        return self._t(self.f.company())

    def prose(self, n: int = 2) -> str:
        return " ".join(self.rng.sample(SENTENCES, n))

    def ref(self) -> str:
        return f"{self.rng.choice(('REF', 'ORD', 'CASE', 'TCK'))}-{self.rng.randint(10000, 99999)}"


Layout = Callable[[Values, Doc], None]


# ---- tuning templates (may be looked at while tuning) ---------------------------------------
def letter(v: Values, d: Doc) -> None:
    p, q = v.person_any(), v.person()
    d.add("Dear ", p, ",\n\n", v.prose(), "\n\nWe have your address as ", v.street(), ", ", v.town(),
          ". If that has changed, call us on ", v.phone(), ".\n\nKind regards,\n", q, "\n", v.company(), "\n")


def email(v: Values, d: Doc) -> None:
    p, q = v.person(), v.person()
    d.add("From: ", p, " <", v.email(p), ">\nTo: ", q, " <", v.email(q), ">\nSubject: ", v.ref(), "\n\nHi ",
          ("PERSON", q[1].split(" ")[0]), ",\n\n", v.prose(), " I logged in from ", v.ip(),
          " this morning.\n\nThanks,\n", p, "\n", v.phone(), "\n")


def ticket(v: Values, d: Doc) -> None:
    p = v.person_any()
    d.add(f"Ticket {v.ref()}\nCustomer: ", p, "\nEmail: ", v.email(p), "\nPhone: ", v.phone(), "\nAddress: ",
          v.street(), ", ", v.town(), "\nCard: ", v.card(), "\nIssue: ", v.prose(), "\n")


def form(v: Values, d: Doc) -> None:
    d.add("APPLICATION FORM\nFirst name: ", ("PERSON", v.first()), "\nLast name: ", ("PERSON", v.last()),
          "\nStreet: ", v.street(), "\nPostcode and town: ", v.town(), "\nCountry: ", v.country(),
          "\nTelephone: ", v.phone(), "\nIBAN: ", v.iban(), "\nSSN: ", v.ssn(), "\n")


def csv_rows(v: Values, d: Doc) -> None:
    d.add("name,email,phone,street\n")
    for _ in range(v.rng.randint(2, 4)):
        p = v.person()
        street = v.street()
        d.add(p, ",", v.email(p), ",", v.phone(), ',"', street, '"\n')


def address_block(v: Values, d: Doc) -> None:
    d.add("Please send the replacement to:\n\n", v.person(), "\n", v.postal_address(), "\n", v.country(),
          "\n\n", v.prose(1), "\n")


def greeting_first_name(v: Values, d: Doc) -> None:
    d.add("Hello ", ("PERSON", v.first()), ",\n\n", v.prose(), " ", ("PERSON", v.first()),
          " from our team will call you tomorrow.\n\nBest,\n", ("PERSON", v.first()), "\n")


def initials_memo(v: Values, d: Doc) -> None:
    d.add("Memo\nPresent: ", ("PERSON", f"{v.first()[0]}. {v.last()}"), ", ",
          ("PERSON", f"{v.first()} {v.first()[0]}. {v.last()}"), " and ", v.person(), "\n", v.prose(1),
          " Action for ", ("PERSON", f"{v.first()[0]}. {v.last()}"), ".\n")


def booking(v: Values, d: Doc) -> None:
    d.add("I'd like a table for ", str(v.rng.randint(2, 8)), " on Friday at 8 pm, under the name ",
          ("PERSON", v.last()), ". My number is ", v.phone(), ". Thanks, ", ("PERSON", v.first()), "\n")


def signature(v: Values, d: Doc) -> None:
    p = v.person_any()
    d.add(v.prose(2), "\n\n--\n", p, "\n", v.company(), "\n", v.street(), "\n", v.town(), "\nTel. ", v.phone(),
          "\n", v.email(p), "\n")


# ---- held-out templates (scored only; never read while tuning) ------------------------------
def delivery_note(v: Values, d: Doc) -> None:
    d.add(f"Delivery note {v.ref()}\nDeliver to:\n", v.person_any(), "\n", v.postal_address(), "\n", v.country(),
          "\nContact on site: ", v.phone(), "\nPaid with card ending ", v.card(), "\n")


def complaint(v: Values, d: Doc) -> None:
    p = v.person()
    d.add("Complaint received via web form\nName of complainant: ", p, "\nE-mail address: ", v.email(p),
          "\nDaytime phone: ", v.phone(), "\nText: I live at ", v.street(), " and your van blocked my drive again. ",
          v.prose(1), "\n")


def chat_transcript(v: Values, d: Doc) -> None:
    agent, cust = v.first(), v.person()
    d.add(("PERSON", agent), " (agent): Hi, how can I help?\n", cust, ": my card ", v.card(),
          " was charged twice\n", ("PERSON", agent), " (agent): Could you confirm the phone number on the account?\n",
          cust, ": ", v.phone(), "\n")


def tsv_export(v: Values, d: Doc) -> None:
    d.add("customer\tiban\tlast_ip\n")
    for _ in range(v.rng.randint(2, 4)):
        d.add(v.person_any(), "\t", v.iban(), "\t", v.ip(), "\n")


def reference_letter(v: Values, d: Doc) -> None:
    p = v.person_any()
    d.add("To whom it may concern,\n\nI am pleased to recommend ", p, ", who worked with us for four years. ",
          ("PERSON", p[1].split(" ")[0]), " was reliable and well liked. ", v.prose(1),
          "\n\nYours faithfully,\n", v.person(), "\n")


def appointment_reminder(v: Values, d: Doc) -> None:
    d.add("Reminder: your appointment with ", ("PERSON", f"Dr {v.last()}"), " is on Monday at 10:15. If you cannot "
          "come, ring ", v.phone(), " or reply to ", v.email(), ".\n")


def insurance_claim(v: Values, d: Doc) -> None:
    p = v.person()
    d.add("Claim form\nPolicy holder: ", p, "\nSocial security number: ", v.ssn(), "\nAddress of the loss: ",
          v.street(), ", ", v.town(), "\nBank account (IBAN): ", v.iban(), "\nWitness: ", v.person_any(), "\n")


def minutes_initials(v: Values, d: Doc) -> None:
    d.add("Minutes of the site meeting\nAttendees: ", ("PERSON", f"{v.first()[0]}. {v.last()}"), " (chair), ",
          v.person(), ", ", ("PERSON", f"{v.first()} {v.first()[0]}. {v.last()}"), "\n", v.prose(1), " ",
          ("PERSON", v.last()), " will check the access logs for ", v.ip(), ".\n")


def reservation(v: Values, d: Doc) -> None:
    d.add("Hi, can I book a room for two nights from the 14th? It's for ", ("PERSON", v.first()), " and me. "
          "Please put it under ", v.person(), ". You can reach me at ", v.phone(), ".\n")


def registration_card(v: Values, d: Doc) -> None:
    d.add("GUEST REGISTRATION\nSurname: ", ("PERSON", v.last()), "\nGiven names: ", ("PERSON", v.first()),
          "\nHome address:\n", v.postal_address(), "\nNationality: ", v.country(), "\nMobile: ", v.phone(),
          "\nE-mail: ", v.email(), "\n")


TUNING_TEMPLATES: tuple[Layout, ...] = (letter, email, ticket, form, csv_rows, address_block, greeting_first_name,
                                        initials_memo, booking, signature)
HELD_OUT_TEMPLATES: tuple[Layout, ...] = (delivery_note, complaint, chat_transcript, tsv_export, reference_letter,
                                          appointment_reminder, insurance_claim, minutes_initials, reservation,
                                          registration_card)
SPLITS = {"tuning": (TUNING_LOCALES, TUNING_TEMPLATES), "heldout": (HELD_OUT_LOCALES, HELD_OUT_TEMPLATES)}


def corpus(split: str, n: int, seed: int) -> list[tuple[str, list[Gold], str]]:
    """``n`` documents of the split: (text, gold spans, "template/locale")."""
    locales, templates = SPLITS[split]
    return lay_out(locales, templates, Values, n, seed)


def lay_out(locales: Sequence[str], templates: Sequence[Layout], values: type[Values], n: int,
            seed: int) -> list[tuple[str, list[Gold], str]]:
    """``n`` documents cycling through ``templates`` per locale, each with its own seeded values."""
    docs = []
    for i in range(n):
        locale = locales[(i // len(templates)) % len(locales)]
        layout = templates[i % len(templates)]
        d = Doc()
        layout(values(locale, seed * 100_003 + i), d)
        docs.append((d.text, d.gold, f"{layout.__name__}/{locale}"))
    return docs
