"""Street addresses as Faker writes them for the world, in everyday sentences: found, and wholly covered?

    .venv/bin/python bench/pii_address_probe.py [--docs 600] [--seed 31] [--show-misses]

Written in the tenth round (issue 17). Every Faker locale outside the held-out list of bench/pii_corpus.py
(dk_DK and ga_IE, the held-out countries' other names, left out too) whose addresses are in Latin letters
gives a street address, its postcode and its town, written on one line ("street, postcode town") or on two
(a card, a letterhead) in twelve frames. Two measures: *found*, a STREET_ADDRESS overlaps the planted address
(the held-out measure); *wholly covered*, every character of street, postcode and town lies under some
finding, so that redaction leaves no part of the address behind. A probe of the project's own; the held-out
part of bench/pii_heldout.py is what measures.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

FRAMES = ("Address: {a}", "Please send the documents to {a}.", "{n}\n{a}", "Ship to: {n}, {a}",
          "We moved to {a} last month.", "Billing address\n{a}\n", "Delivery: {a} (ring twice)",
          "{n} | {a} | {e}", "The flat at {a} is available from May.", "Return address: {a}",
          "Meet me at {a} at 6.", "Registered office: {a}")


def address_writers(seed: int) -> list[object]:
    """A Faker for every locale outside the held-out list whose street addresses are in Latin letters."""
    import faker.config
    import regex
    from faker import Faker
    from pii_corpus import locales_outside_held_out

    latin = regex.compile(r"[\p{Latin}\d\s.,'’/\-#ºª°()&]+")
    allowed = set(locales_outside_held_out())
    writers = []
    for i, loc in enumerate(faker.config.AVAILABLE_LOCALES):  # seeded by the place in Faker's whole list
        if loc not in allowed:
            continue
        fake = Faker(loc)
        fake.seed_instance(seed + i)
        try:
            sample = f"{fake.street_address()} {fake.postcode()} {fake.city()}"
        except AttributeError:
            continue
        if latin.fullmatch(sample):
            writers.append(fake)
    return writers


def main() -> int:
    from pii_quality import airlock_spans, probe_arguments

    args = probe_arguments(__doc__.splitlines()[0], seed=31)
    from faker import Faker

    rng = random.Random(args.seed)
    writers = address_writers(args.seed)
    people = Faker(["en_GB", "de_DE", "fr_FR", "es_ES", "pl_PL", "nl_NL"])
    people.seed_instance(args.seed)
    docs = []
    for i in range(args.docs):
        fake, frame = writers[i % len(writers)], FRAMES[i % len(FRAMES)]
        street, town = fake.street_address().replace("\n", ", "), f"{fake.postcode()} {fake.city()}"
        address = f"{street}\n{town}" if "\n" in frame and rng.random() < 0.5 else f"{street}, {town}"
        before, _, after = frame.partition("{a}")
        fill = {"{n}": people.name(), "{e}": people.email()}
        for key, value in fill.items():
            before, after = before.replace(key, value), after.replace(key, value)
        docs.append((frame, fake.locale if hasattr(fake, "locale") else "", before + address + after,
                     len(before), len(before) + len(address)))
    found = airlock_spans([text for _, _, text, _, _ in docs], workers=2)
    missed, partial = [], []
    for (frame, _loc, text, s, e), spans in zip(docs, found, strict=True):
        if not any(t == "STREET_ADDRESS" and ps < e and s < pe for t, ps, pe in spans):
            missed.append((frame, text[s:e]))
        covered = [False] * len(text)
        for _t, ps, pe in spans:
            covered[ps:pe] = [True] * (pe - ps)
        if not all(covered[j] or text[j].isspace() or text[j] == "," for j in range(s, e)):
            partial.append((frame, text[s:e], "".join(ch if covered[s + j] or ch.isspace() else "_"
                                                      for j, ch in enumerate(text[s:e]))))
    n = len(docs)
    print(f"{n} addresses from {len(writers)} locales (seed {args.seed}): found {n - len(missed)} "
          f"({(n - len(missed)) / n:.3f}), wholly covered {n - len(partial)} ({(n - len(partial)) / n:.3f})")
    for frame, count in Counter(f for f, _ in missed).most_common():
        print(f"  missed {count} in {frame!r}")
    if args.show_misses:
        for frame, address in missed:
            print(f"    missed {address!r} in {frame!r}")
        for frame, address, shown in partial:
            print(f"    left   {address!r} -> {shown!r} in {frame!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
