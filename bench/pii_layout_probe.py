"""National layouts probe: phone numbers and names written the way each country writes them, in everyday places.

    .venv/bin/python bench/pii_layout_probe.py [--show-misses]

Written by hand (issue 17, fifth round) from numbering plans and register conventions, not from Faker:
90 phone numbers of 17 countries in 7 places (after a label, after "reach me at", under a name in a
signature, as a cell of a semicolon row, after "text", after a name and a tab, in brackets after a name)
and 30 names of 20 languages in 13 places (greeting, sign-off, prose, "signed for by", a form field, a
row of a table without header, "cc:", "Present:", a chat turn, a given name alone after "Thanks" and in
prose, the surname in capitals first after a label, an initial and a surname). The fifth round was tuned
against it, so it is a regression check, not an independent measure: the held-out split is that.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PHONES = """020 7946 0958|07700 900123|+44 (0)20 7946 0958|(020) 7946 0958|01632 960 001
(01) 234 5678|087 123 4567|+353 (0)1 234 5678|+353 87 123 4567|01 234 5678
030 12345678|(030) 1234 5678|0171 / 123 45 67|+49 (0)30 1234567|0664 1234567|+43 664 1234567|030/12345-678
0043 664 123 45 67|+43 (0) 1 234 56 78|01 23 45 67 89|+33 (0)1 23 45 67 89|06.12.34.56.78
020-1234567|06-12345678|+31 (0)6 12345678|02 123 45 67|0470 12 34 56
044 123 45 67|+41 (0)44 123 45 67|06 1234 5678|333 123 4567|+39 06 1234 5678
912 345 678|612 34 56 78|21 123 4567|+351 912 345 678
22 123 45 67|601 234 567|+48 601-234-567|+420 601 234 567|+421 902 123 456|0902 123 456|02/123 456 78
06 1 234 5678|06-30-123-4567|(06 1) 234 5678|+36 30 123 4567|06 30/123-4567|+36-1-234-5678|06/30 123 4567
040 123 4567|09 1234 5678|+358 40 123 4567|(09) 123 4567|040-1234567|+358 (0)9 123 4567
08-123 456 78|070-123 45 67|+46 (0)8 123 456 78|031-12 34 56|0701234567|+46 70 123 45 67
12 34 56 78|+45 12 34 56 78|+45 1234 5678
0721 234 567|021 123 4567|+40 721 234 567|021.123.45.67|0721.234.567|0040 721 234 567
044 123 4567|(044) 123-45-67|+380 44 123 4567|067 123 45 67|(067) 123-45-67|+38 (067) 123-45-67
+380 (67) 123 45 67|(11) 91234-5678|(21) 2345-6789|+55 11 91234-5678|11 91234-5678|(011) 2345-6789
+55 (11) 91234-5678|11 3456-7890|555-123-4567|(555) 123-4567|555.123.4567|+1 555 123 4567|1 (555) 123-4567"""
PHONE_PLACES = (("label", "Phone: {n}\n"), ("reach", "You can reach me at {n} during office hours."),
                ("signature", "Best wishes,\nAnna Kovacs\n{n}\nSales office"),
                ("row", "Kovacs Anna;Budapest;{n};active"), ("text", "If anything changes, text {n} before noon."),
                ("tab", "Mira Lind\t{n}\tGold member"),
                ("brackets", "The customer, Mira Lind ({n}), asked for a refund."),
                # sixth round: a number with no label, or a weak one, in chat turns, rows and letters
                ("chat turn", "[14:02] Mira: {n}\n[14:03] Agent: thanks, noted"),
                ("second number", "Call 020 7946 0958 or {n} if the gate is locked."),
                ("after a comma", "Deliver to Mira Lind, {n}, before noon."),
                ("contacted on", "She can be contacted on {n} at any time."),
                ("called", "I called {n} three times and nobody answered."),
                ("row of numbers", "2024-03-11\t{n}\tRoom 12\tpaid"))
NAMES = ("Zsófia Kertész", "Jan Novák", "Eliška Dvořáková", "Mikko Virtanen", "Aino Mäkelä", "Björn Lindqvist",
         "Ingrid Sjöberg", "João Pereira", "Luíza Carvalho", "Ionuț Popescu", "Ioana Dumitrescu", "Søren Kierkegaard",
         "Mette Frederiksen", "Oleksandr Shevchenko", "Nataliya Bondarenko", "Zuzana Horváthová", "Peter Kováč",
         "Siobhán Ní Bhriain", "Cillian Murphy", "Aoife O'Connor", "Katharina Gruber", "Florian Huber",
         "Miguel Ángel Fernández", "Thi Lan Nguyen", "Kwame Mensah", "Priya Raghunathan", "Tomasz Wiśniewski",
         "Gergely Tóth", "Réka Szabó", "Lars-Erik Holm")
# place -> (template, which form of the name is planted: full, given, caps_first, initial)
NAME_PLACES = {
    "greeting": ("Dear {}, thank you for your message.", "full"),
    "sign-off": ("Kind regards\n{}\nAccounts Department", "full"),
    "prose": ("Yesterday {} called about the broken heater in the flat.", "full"),
    "signed for by": ("The parcel was signed for by {} at the door.", "full"),
    "form field": ("Patient: {}\nWard: 4B", "full"),
    "row without header": ("2024-03-11\t{}\tRoom 12\tpaid", "full"),
    "cc": ("cc: {}; Facilities", "full"),
    "present": ("Present: {}, the chair and two residents.", "full"),
    "chat turn": ("[10:42] {}: is the lift working again?", "full"),
    "given after thanks": ("Thanks {}, I will pass it on.", "given"),
    "given in prose": ("{} will bring the keys on Monday.", "given"),
    "capitals first": ("Applicant: {}", "caps_first"),
    "initial": ("Approved by {} on Friday.", "initial"),
}


def name_form(full: str, form: str) -> str:
    parts = full.split(" ")
    return {"full": full, "given": parts[0], "caps_first": f"{parts[-1].upper()} {' '.join(parts[:-1])}",
            "initial": f"{parts[0][0]}. {parts[-1]}"}[form]


def covered(text: str, value: str, entity: str) -> tuple[bool, list[str]]:
    from engine.privacy import detect

    k = text.index(value)
    spans = [s for s in detect(text) if s.entity_type == entity]
    return any(s.start <= k and s.end >= k + len(value) for s in spans), [text[s.start:s.end] for s in spans]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    from engine.offline import apply_offline_switches

    apply_offline_switches()
    phones = PHONES.replace("\n", "|").split("|")
    rows = [("PHONE_NUMBER", place, template.format(n=n), n) for place, template in PHONE_PLACES for n in phones]
    rows += [("PERSON", place, template.format(name_form(full, form)), name_form(full, form))
             for place, (template, form) in NAME_PLACES.items() for full in NAMES]
    print("| entity | place | planted | found | recall |\n|---|---|---|---|---|")
    totals: dict[str, list[int]] = {}
    for entity in ("PHONE_NUMBER", "PERSON"):
        for place in dict.fromkeys(p for e, p, _t, _v in rows if e == entity):
            hits = 0
            group = [(t, v) for e, p, t, v in rows if e == entity and p == place]
            for text, value in group:
                ok, got = covered(text, value, entity)
                hits += ok
                if not ok and args.show_misses:
                    print(f"    missed {value!r} in {text!r}; found {got}")
            totals.setdefault(entity, [0, 0])
            totals[entity][0] += hits
            totals[entity][1] += len(group)
            print(f"| {entity} | {place} | {len(group)} | {hits} | {hits / len(group):.3f} |")
    for entity, (hits, n) in totals.items():
        print(f"| **{entity}** | all | {n} | {hits} | **{hits / n:.3f}** |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
