"""PII detection + redaction throughput: Airlock's engine.privacy against bare presidio.

    .venv/bin/python bench/pii_throughput.py [--docs 200] [--rounds 2] [--seed 7]

Both sides get the same generated letters (names, e-mails, phones, IBANs, card numbers, addresses,
dates, IPs in ordinary prose), one document at a time, in the same process and run:

* bare: presidio ``AnalyzerEngine`` with the same offline spaCy model and its default recognizers,
  then ``AnonymizerEngine`` (default replace operator);
* airlock: ``engine.privacy.detect`` (our recognizers, thresholds, overlap resolution) then
  ``engine.privacy.redact`` (consistent typed placeholders), one by one like bare;
* airlock batched: ``engine.privacy.batch.redact_many`` (spaCy over batches of 16 texts, then the
  same recognizers and redaction), in one process and in one forked process per core.

Both are warmed up first; rounds alternate bare / airlock. Prints characters per second and the
ratio to bare (above 1 = faster than bare), by wall clock and by CPU time (this process and its
workers): on a loaded machine the CPU figures show the work saved, the wall figures what a user
waits. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST = ["Anna", "John", "Maria", "Lukas", "Sofia", "David", "Emma", "Noah", "Olivia", "Jonas", "Priya", "Chen"]
LAST = ["Schmidt", "Miller", "Jensen", "Novak", "Garcia", "Okafor", "Larsen", "Rossi", "Meyer", "Kowalski"]
STREETS = ["Baker Street", "Main St.", "Hauptstraße", "Oak Avenue", "rue de la Paix", "Elm Road"]
CITIES = ["London", "Berlin", "Paris", "Boston", "Oslo", "Vienna"]
IBANS = ["DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32", "FR14 2004 1010 0505 0001 3M02 606"]
CARDS = ["4111 1111 1111 1111", "5500 0000 0000 0004", "3400 0000 0000 009"]
FILLER = ("Thank you for your message about the delayed shipment and the invoice we sent last month. "
          "Our team reviewed the case and will follow up with the carrier before the end of the week. ")


def letter(rng: random.Random) -> str:
    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    agent = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    user = person.lower().replace(" ", ".")
    parts = [
        f"Dear {person},\n\n{FILLER * rng.randint(1, 3)}",
        f"{agent} will call you on +1 (212) 555-{rng.randint(1000, 9999)} or write to {user}@example.com.",
        f"Please transfer the remaining fee to IBAN {rng.choice(IBANS)} by {rng.randint(1, 28)} March 2025.",
        f"We charged the card {rng.choice(CARDS)} on file.",
        f"The parcel goes to {rng.randint(1, 300)} {rng.choice(STREETS)}, {rng.choice(CITIES)}.",
        f"Our logs show a login from 192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}.",
        f"{FILLER * rng.randint(0, 2)}Kind regards,\n{agent}\n",
    ]
    return "\n".join(parts)


def timed(fn: Callable[[str], object], texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        fn(text)
    return time.perf_counter() - start


def timed_all(fn: Callable[[list[str]], object], texts: list[str]) -> float:
    start = time.perf_counter()
    fn(texts)
    return time.perf_counter() - start


def cpu_seconds() -> float:
    """CPU time of this process and of its finished (forked) workers."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def wall_and_cpu(run: Callable[[], float]) -> tuple[float, float]:
    cpu = cpu_seconds()
    wall = run()
    return wall, cpu_seconds() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from engine.offline import apply_offline_switches, install_guard

    apply_offline_switches()  # before presidio: tldextract must not try to download its suffix list
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine

    from engine.privacy import analyzer as ours
    from engine.privacy import detect, redact
    from engine.privacy.batch import default_workers, redact_many

    install_guard()
    rng = random.Random(args.seed)
    texts = [letter(rng) for _ in range(args.docs)]
    chars = sum(len(t) for t in texts)
    nlp = NlpEngineProvider(nlp_configuration=ours.nlp_configuration()).create_engine()
    bare_analyzer = AnalyzerEngine(nlp_engine=nlp, supported_languages=[ours.LANGUAGE])
    anonymizer = AnonymizerEngine()

    def bare(text: str) -> str:
        results = bare_analyzer.analyze(text=text, language=ours.LANGUAGE)
        return str(anonymizer.anonymize(text=text, analyzer_results=results).text)  # type: ignore[arg-type]

    def airlock(text: str) -> str:
        return redact(text, detect(text)).text

    def batched(workers: int) -> Callable[[list[str]], object]:
        return lambda docs: redact_many(docs, workers=workers)

    for fn in (bare, airlock):  # warm up: models loaded, caches filled
        timed(fn, texts[:5])
    workers = default_workers()
    sides: dict[str, list[tuple[float, float]]] = {"bare presidio analyze + anonymize, one by one": [],
                                     "airlock detect + redact, one by one": [],
                                     "airlock redact_many, 1 process (nlp.pipe batches)": [],
                                     f"airlock redact_many, {workers} processes": []}
    runs: list[Callable[[], float]] = [lambda: timed(bare, texts), lambda: timed(airlock, texts),
                                       lambda: timed_all(batched(1), texts),
                                       lambda: timed_all(batched(workers), texts)]
    for _ in range(args.rounds):
        for name, run in zip(sides, runs, strict=True):
            sides[name].append(wall_and_cpu(run))
    first = next(iter(sides.values()))
    base, base_cpu = statistics.median(w for w, _ in first), statistics.median(c for _, c in first)
    print(f"{len(texts)} documents, {chars:,} characters, {args.rounds} rounds (median), {workers} workers, "
          f"load average {os.getloadavg()[0]:.1f}")
    print("| side | wall s | chars/s | docs/s | vs bare (wall) | CPU s | chars per CPU s | vs bare (CPU) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, times in sides.items():
        t, c = statistics.median(w for w, _ in times), statistics.median(c for _, c in times)
        print(f"| {name} | {t:.2f} | {chars / t:,.0f} | {len(texts) / t:.1f} | {base / t:.2f}x | {c:.2f} | "
              f"{chars / c:,.0f} | {base_cpu / c:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
