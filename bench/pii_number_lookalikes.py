"""Numbers that are not phone numbers, in everyday sentences: how many the detector takes for a phone.

    .venv/bin/python bench/pii_number_lookalikes.py [--docs 600] [--seed 21] [--show]

The other side of the phone probe (bench/pii_phone_shapes.py): order, invoice, ticket and tracking numbers,
ISBNs, amounts with thousands separators, dates and times in many notations, versions, serials, postcodes,
measurements, scores and ranges, drawn at random and written the ways documents write them, sometimes right
after a label's colon or a question, sometimes next to a word of calling ("call about order ..."). None is
anyone's phone number, so every PHONE_NUMBER found is a false alarm. Written in the ninth round to check that
round's phone rules; not tuned on. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _digits(rng: random.Random, n: int, lead: str = "") -> str:
    return lead + "".join(rng.choice("0123456789") for _ in range(n - len(lead)))


def number(rng: random.Random) -> tuple[str, str]:
    """(kind, written number)."""
    d = lambda n, lead="": _digits(rng, n, lead)  # noqa: E731
    kinds = {
        "order": lambda: rng.choice([f"{d(3)} {d(4)} {d(3)}", f"{d(2)}-{d(6)}", f"0{d(3)} {d(6)}", f"#{d(8)}"]),
        "invoice": lambda: rng.choice([f"{rng.randint(2019, 2026)}-{d(4)}-{d(2)}", f"0{d(4)} {d(5)}",
                                       f"INV {d(3)} {d(3)} {d(3)}"]),
        "isbn": lambda: f"978-{d(1)}-{d(3)}-{d(5)}-{d(1)}",
        "amount": lambda: rng.choice([f"{rng.randint(1, 999)} {d(3)} {d(3)}",
                                      f"{rng.randint(1, 99)}.{d(3)}.{d(3)},{d(2)}",
                                      f"{rng.randint(1, 999)},{d(3)},{d(3)}.{d(2)}"]),
        "date": lambda: rng.choice([f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1990, 2030)}",
                                    f"{rng.randint(1990, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                                    f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(1990, 2030)}"]),
        "time range": lambda: f"{rng.randint(7, 12)}:{rng.choice(['00', '15', '30', '45'])}-"
                              f"{rng.randint(13, 20)}:{rng.choice(['00', '15', '30', '45'])}",
        "version": lambda: f"{rng.randint(0, 12)}.{rng.randint(0, 40)}.{rng.randint(0, 999)}.{rng.randint(0, 9999)}",
        "serial": lambda: rng.choice([f"SN {d(4)}-{d(4)}-{d(4)}", f"{d(4)} {d(4)} {d(4)} {d(4)}"]),
        "postcode+box": lambda: f"{d(5)} PO Box {d(4)}",
        "measure": lambda: f"{rng.randint(10, 300)} x {rng.randint(10, 300)} x {rng.randint(10, 300)} mm",
        "tracking": lambda: f"{d(2)} {d(4)} {d(4)} {d(4)} {d(2)}",
        "sort code+account": lambda: f"{d(2)}-{d(2)}-{d(2)} {d(8)}",
    }
    kind = rng.choice(sorted(kinds))
    return kind, kinds[kind]()


FRAMES = ("Your order {x} has shipped.", "Invoice: {x}", "Reference? {x}", "Please quote {x} when you call us.",
          "The total came to {x} in the end.", "Ticket {x} was closed yesterday.", "Serial number {x}, see label.",
          "We spoke on {x} about the delay.", "Call about {x} if the parcel is late.", "{x}", "Item: {x}\nQty: 2",
          "Firmware {x} fixes the crash.", "Dimensions: {x}", "Our hours are {x}, Monday to Friday.",
          "Tracking: {x}", "Pay to {x} by Friday.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=600)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--show", action="store_true", help="print every number taken for a phone")
    args = parser.parse_args()

    from engine.offline import apply_offline_switches

    apply_offline_switches()
    from pii_quality import airlock_spans

    rng = random.Random(args.seed)
    docs = []
    for i in range(args.docs):
        kind, written = number(rng)
        frame = FRAMES[i % len(FRAMES)]
        docs.append((kind, frame, frame.replace("{x}", written), written))
    found = airlock_spans([text for _, _, text, _ in docs], workers=2)
    alarms = [(kind, frame, text[s:e]) for (kind, frame, text, _), spans in zip(docs, found, strict=True)
              for t, s, e in spans if t == "PHONE_NUMBER"]
    print(f"{len(docs)} sentences with a number that is no phone (seed {args.seed}): {len(alarms)} taken for a "
          f"phone ({len(alarms) / len(docs):.1%})")
    for kind, n in Counter(k for k, _, _ in alarms).most_common():
        print(f"  {n} x {kind}")
    if args.show:
        for kind, frame, value in alarms:
            print(f"    {kind}: {value!r} in {frame!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
