"""Payment card numbers of every kind Faker draws, in frames written for this probe: how many the detector finds.

    .venv/bin/python bench/pii_card_probe.py [--docs 600] [--seed 41] [--set first|second] [--show-misses]

Written in the eleventh round, when the held-out part's card recall was first read at seeds 6-8 (0.972 at seed
6, 0.986 at seed 8; 1.000 at seeds 5 and 7): the held-out errors are never printed, so this probe looks for
the failure on its own material. Numbers: Faker's ``credit_card_number`` for each card kind in turn (Visa of
13, 16 and 19 digits, Mastercard, American Express, Diners Club, Discover, JCB of 15 and 16 digits, Maestro),
a 16-digit one written in groups of four half of the time, as the corpus writes them. Names and e-mail
addresses: en_GB. A card counts as found when a CREDIT_CARD span overlaps it; what else covers a missed card
is printed with ``--show-misses``. ``--set second``: fourteen more frames written in the twelfth round (a chat
line, a tab-separated row, a JSON field, a form, an expiry and a security code after the number, labels in
Polish, Spanish, Italian and Dutch), run once before any rule was changed for them.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

KINDS = ("visa13", "visa16", "visa19", "mastercard", "amex", "diners", "discover", "jcb15", "jcb16", "maestro")
FRAMES = ("Card: {c}", "Paid with card {c} yesterday.", "{n}, card {c}", "Payment card number {c}",
          "CC {c} exp 04/27", "Kartennummer: {c}", "Numéro de carte : {c}", "{n};{c};{e}",
          "Order 55120 charged to {c}; last login from home.", "Refund to the card {c} within 5 days.",
          "{n}\n{c}\n{e}", "Card no. {c} (expires 11/28)")

SECOND = ("[14:02] {n}: the card is {c}", "{n}\t{c}\t09/28\t{e}", '{"name": "{n}", "card": "{c}"}',
          "Cardholder: {n}\nNumber: {c}\nExpiry: 03/29", "{c} exp 12/27 cvv 123", "Please charge {c} for the deposit.",
          "Karta płatnicza: {c}", "Tarjeta: {c}", "Carta di credito n. {c}", "Kaartnummer {c}",
          "Payment details\n{n}\n{c}\n{e}", "Ref 2291 | {n} | {c}", "Visa/Mastercard: {c}",
          "I paid with {c}, can you check?")


def main() -> int:
    from pii_quality import airlock_spans, probe_arguments

    args = probe_arguments(__doc__.splitlines()[0], seed=41, sets=("first", "second"))
    frames = FRAMES if args.set == "first" else SECOND
    from faker import Faker

    fake, rng = Faker("en_GB"), random.Random(args.seed)
    fake.seed_instance(args.seed)
    docs = []
    for i in range(args.docs):
        kind, frame = KINDS[i % len(KINDS)], frames[(i // len(KINDS)) % len(frames)]
        number = fake.credit_card_number(card_type=kind)
        if len(number) == 16 and rng.random() < 0.5:
            number = " ".join(number[j:j + 4] for j in range(0, 16, 4))
        before, _, after = frame.partition("{c}")
        values = {"{n}": fake.name(), "{e}": fake.email()}
        for key, value in values.items():
            before, after = before.replace(key, value), after.replace(key, value)
        docs.append((kind, frame, before + number + after, len(before), len(before) + len(number)))
    found = airlock_spans([text for *_, text, _, _ in docs], workers=2)
    missed = [(kind, frame, text, [(t, text[ps:pe]) for t, ps, pe in spans if ps < e and s < pe])
              for (kind, frame, text, s, e), spans in zip(docs, found, strict=True)
              if not any(t == "CREDIT_CARD" and ps < e and s < pe for t, ps, pe in spans)]
    print(f"cards: found {len(docs) - len(missed)} of {len(docs)} (recall {(len(docs) - len(missed)) / len(docs):.3f}),"
          f" seed {args.seed}")
    for kind, n in Counter(k for k, *_ in missed).most_common():
        print(f"  missed {n} {kind}")
    if args.show_misses:
        for kind, _frame, text, covering in missed:
            print(f"    {kind}: {text!r} -> {covering}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
