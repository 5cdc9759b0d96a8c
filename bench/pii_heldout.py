"""PII quality on the many-locale corpus: precision, recall, F1 per entity type, tuning or held-out part.

    .venv/bin/python bench/pii_heldout.py --split heldout [--docs 360] [--seed 5] [--workers 2]
                                          [--baseline] [--model PACKAGE] [--show-errors]

The corpus and its split are defined in ``bench/pii_corpus.py`` (held-out = other locales AND other
templates than the tuning part, fixed before tuning). ``--split tuning2`` is a second tuning part
(``bench/pii_corpus_tuning2.py``: new locales and new templates, added later); ``--split tuning3`` a third
(``bench/pii_corpus_tuning3.py``, added in the third round); ``--split tuning4`` a fourth, a stress split
of many more locales and kinds (``bench/pii_corpus_tuning4.py``, fourth round); ``tuning5`` a fifth, phone
numbers of other numbering plans in kinds with few words around them (``bench/pii_corpus_tuning5.py``, sixth
round). ``--show-errors`` prints misses and false alarms;
it refuses on the held-out split, so that the held-out part is only ever scored. ``--model`` swaps the
spaCy pipeline (an installed package name) to compare NER models on the same texts; the time printed
is detection wall time for the whole corpus. Scoring is ``bench/pii_quality.py``'s (overlap-based,
plus "fully redacted"). Targets: recall ≥ 0.99 for e-mail, phone, card, IBAN, SSN, IP; PERSON ≥ 0.90;
STREET_ADDRESS ≥ 0.85; precision ≥ 0.90 for every type.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pii_corpus import corpus  # noqa: E402
from pii_quality import TARGETS, TYPES, airlock_spans, bare_spans, false_alarms, misses, score  # noqa: E402

PRECISION_TARGET = 0.90
TUNING_PARTS = {"tuning2": "pii_corpus_tuning2", "tuning3": "pii_corpus_tuning3", "tuning4": "pii_corpus_tuning4",
                "tuning5": "pii_corpus_tuning5"}


def report(name: str, table: dict[str, dict[str, float]]) -> None:
    print(f"\n{name}\n| entity | planted | detected | precision | recall | F1 | fully redacted | targets met |")
    print("|---|---|---|---|---|---|---|---|")
    for t, row in table.items():
        ok_r = row["recall"] >= TARGETS[t]
        ok_p = row["precision"] >= PRECISION_TARGET or row["gold"] == 0
        verdict = "yes" if ok_r and ok_p else "**no** (" + ", ".join(
            x for x, ok in ((f"recall < {TARGETS[t]:.2f}", ok_r), (f"precision < {PRECISION_TARGET}", ok_p))
            if not ok) + ")"
        print(f"| {t} | {row['gold']:.0f} | {row['predicted']:.0f} | {row['precision']:.3f} | {row['recall']:.3f} "
              f"| {row['f1']:.3f} | {row['redacted']:.3f} | {verdict} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("tuning", *TUNING_PARTS, "heldout"), default="tuning")
    ap.add_argument("--docs", type=int, default=360)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--baseline", action="store_true", help="also score bare presidio on the same texts")
    ap.add_argument("--model", default=None, help="another installed spaCy pipeline package to measure")
    ap.add_argument("--show-errors", action="store_true", help="print misses and false alarms (tuning only)")
    args = ap.parse_args()
    if args.show_errors and args.split == "heldout":
        ap.error("the held-out split is only scored; look at errors on --split tuning")
    from engine.offline import apply_offline_switches
    from engine.privacy import analyzer

    apply_offline_switches()
    if args.model:
        analyzer.MODEL_PACKAGE = args.model
    if args.split in TUNING_PARTS:
        docs = importlib.import_module(TUNING_PARTS[args.split]).corpus(args.docs, args.seed)
    else:
        docs = corpus(args.split, args.docs, args.seed)
    texts = [t for t, _g, _l in docs]
    planted = Counter(t for _t, gold, _l in docs for t, _s, _e in gold)
    print(f"{args.split}: {len(docs)} documents, {sum(map(len, texts)):,} characters, spaCy model "
          f"{analyzer.MODEL_PACKAGE}; planted: " + ", ".join(f"{t} {n}" for t, n in sorted(planted.items())))
    analyzer.warm_up()
    start = time.perf_counter()
    ours = airlock_spans(texts, args.workers)
    elapsed = time.perf_counter() - start
    print(f"airlock detection: {elapsed:.1f} s with {args.workers} worker(s), "
          f"{sum(map(len, texts)) / elapsed:,.0f} chars/s")
    table = score(docs, ours)
    report(f"Airlock on the {args.split} part (default settings)", table)
    if args.show_errors:
        for t in TYPES:
            if table[t]["recall"] < 1.0:
                print(f"  missed {t}: " + "; ".join(misses(docs, ours, t, 12)))
            if table[t]["precision"] < 1.0:
                print(f"  wrongly {t}: " + "; ".join(false_alarms(docs, ours, t, 12)))
    if args.baseline:
        start = time.perf_counter()
        bare = bare_spans(texts)
        print(f"\nbare presidio detection: {time.perf_counter() - start:.1f} s")
        report("bare presidio (default recognizers, same spaCy model, no threshold)", score(docs, bare))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
