"""PII false alarms on ordinary text: the share of support tickets and fault reports (no personal data)
that detection would change.

    .venv/bin/python bench/pii_ordinary.py [--messages 600] [--seed 3] [--workers 2]

The messages are generated here from templates of everyday support and fault-report language, with the
things that fooled the old detector planted on purpose: durations and relative dates ("after 2 weeks",
"yesterday", "last night"), times, party sizes ("the 3 of us"), countries and states, brands and
products ("Netflix", "iPhone", "PIN"), error codes, versions, amounts. None holds personal data, so every
finding is a false alarm. Printed: the share of messages with a finding the default entity policy
redacts (what an unreviewed pipeline would change), the share with any finding (redact or review), and
the findings by type. Goal: ≤ 2 % changed.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PRODUCTS = ("Netflix", "Spotify", "iPhone 14", "Galaxy S23", "Windows 11", "Outlook", "PayPal", "Kindle",
            "PlayStation 5", "the Bosch dishwasher", "the Philips kettle", "Zoom", "WhatsApp", "the router",
            "the app", "the printer", "the smart meter", "the thermostat", "my laptop", "the TV box")
COUNTRIES = ("Germany", "France", "Spain", "Italy", "the Netherlands", "Poland", "Canada", "Texas", "Bavaria",
             "Sweden", "the UK", "Brazil", "Ireland", "Ontario", "Austria")
WHEN = ("yesterday", "last night", "this morning", "after 2 weeks", "for three days", "since Monday",
        "two hours ago", "every evening", "since the last update", "over the weekend", "after 10 minutes",
        "last month", "earlier today", "on Friday", "at 10:30 am", "around 8 pm", "for about a week")
PROBLEMS = ("stops working", "keeps crashing", "shows error E{code}", "won't connect to wifi", "freezes on start-up",
            "logs me out", "charges me twice", "is very slow", "makes a clicking noise", "does not turn on",
            "won't accept my PIN", "asks for the PIN again", "shows a blank screen", "drops the call")
TEMPLATES = (
    "Hi, {product} {problem} {when}. I already restarted it twice. Can you help?",
    "{product} {problem} {when}. I'm in {country} if that matters.",
    "How can I change my PIN? The old one stopped working {when}.",
    "The 3 of us tried to log in {when} but {product} {problem}.",
    "Fault report: {product} {problem} {when}. Firmware v{major}.{minor}.{patch}, error code 0x{hex}.",
    "Order {order} arrived {when} but the box was damaged. Shipping from {country} took {days} days.",
    "I was charged {amount} EUR {when} for {product} although I cancelled {when2}.",
    "Is {product} available in {country}? I want to order {n} units.",
    "My subscription renews {when}. How do I cancel before then?",
    "After the update {when}, {product} {problem}. Reinstalling did not help.",
    "The delivery to {country} has been stuck in customs {when}.",
    "Can I pay with PayPal or only by card? The checkout {problem}.",
    "We have {n} devices in the office and {product} {problem} on all of them {when}.",
    "Thanks, that fixed it! {product} works again since {when}.",
    "Meeting room B projector {problem} {when}; ticket raised by the facilities team.",
)


def messages(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        out.append(rng.choice(TEMPLATES).format(
            product=rng.choice(PRODUCTS), problem=rng.choice(PROBLEMS).format(code=rng.randint(100, 999)),
            when=rng.choice(WHEN), when2=rng.choice(WHEN), country=rng.choice(COUNTRIES),
            major=rng.randint(1, 9), minor=rng.randint(0, 20), patch=rng.randint(0, 99),
            hex=f"{rng.randint(0, 65535):04X}", order=f"#{rng.randint(100000, 999999)}", days=rng.randint(2, 30),
            amount=f"{rng.randint(5, 300)}.{rng.randint(0, 99):02d}", n=rng.randint(2, 40)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=600)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--show", type=int, default=10, help="print this many messages with a finding")
    args = ap.parse_args()
    from engine.offline import apply_offline_switches
    from engine.privacy.batch import redact_many
    from engine.privacy.policy import REDACT, EntityPolicy

    apply_offline_switches()
    policy = EntityPolicy()
    texts = messages(args.messages, args.seed)
    results = redact_many(texts, config=policy.detection_config(), workers=args.workers)
    changed = [i for i, (spans, _) in enumerate(results)
               if any(policy.action(s.entity_type) == REDACT for s in spans)]
    any_finding = [i for i, (spans, _) in enumerate(results) if spans]
    by_type = Counter(s.entity_type for spans, _ in results for s in spans)
    print(f"{len(texts)} ordinary messages (seed {args.seed})")
    share = 100 * len(changed) / len(texts)
    print(f"changed by the default policy (a 'redact' finding): {len(changed)} = {share:.1f} %")
    print(f"with any finding (redact or review): {len(any_finding)} = {100 * len(any_finding) / len(texts):.1f} %")
    print("findings by type: " + (", ".join(f"{t} {n}" for t, n in by_type.most_common()) or "none"))
    for i in any_finding[:args.show]:
        spans, _ = results[i]
        print(f"  {texts[i]!r}: " + ", ".join(f"{s.entity_type}={texts[i][s.start:s.end]!r}" for s in spans))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
