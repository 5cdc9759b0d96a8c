"""PII detection quality: precision, recall and F1 per entity type on a generated, labelled corpus.

    .venv/bin/python bench/pii_quality.py [--docs 500] [--seed 11] [--workers 2] [--baseline]
                                          [--save corpus.jsonl]

The corpus is built here with Faker (en_US, en_GB, de_DE, fr_FR values) in eight everyday
layouts: letters, e-mails with headers, support tickets, payment instructions, HR records, chat
logs, meeting notes and semicolon tables. Every planted value is recorded with its offsets, so the
ground truth is exact. Detection is ``engine.privacy.batch.redact_many`` with the default settings
(what `airlock pii scan` and the Documents page use).

Scoring, per entity type T:
* recall: a planted T value counts as found when a detected span of type T overlaps it;
* precision: a detected span of type T is right when it overlaps a planted T value;
* redacted: a planted value counts when every one of its characters lies inside some detected
  span of any type, i.e. nothing of it survives redaction (what matters for a leak).
``--baseline`` also scores bare presidio (its default recognizers, the same spaCy model, no
threshold) on the same texts. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TYPES = ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "IP_ADDRESS",
         "STREET_ADDRESS")
TARGETS = {"PERSON": 0.90, "STREET_ADDRESS": 0.85} | {t: 0.99 for t in TYPES[1:7]}
LOCALES = (("en_US", 0.55), ("en_GB", 0.2), ("de_DE", 0.15), ("fr_FR", 0.1))
Gold = tuple[str, int, int]  # (type, start, end)
# Ordinary business prose around the values (Faker's lorem words would test spaCy on non-language).
SENTENCES = (
    "Thank you for your message about the delayed shipment.", "The invoice for March is attached.",
    "Our team reviewed the case and will follow up with the carrier.", "The hydraulic press on line 4 leaks oil.",
    "Please confirm the new delivery date by the end of the week.", "The contract renews automatically in June.",
    "We moved the maintenance window to Saturday morning.", "The warranty covers parts but not labour.",
    "Two pallets arrived damaged and were sent back.", "The quarterly report is due next Tuesday.",
    "Access to the portal was restored after the update.", "The refund was approved by the finance department.",
    "Support closed the ticket after the second call.", "The new firmware fixes the overheating problem.",
    "Training for the new scanner starts on Monday at 9 am.", "The audit found no issues in the warehouse.",
    "Please keep this letter for your records.", "The spare parts are on back order until next month.",
    "We apologise for the inconvenience this has caused.", "The safety inspection of the crane passed.",
    "Your subscription was upgraded to the premium plan.", "The courier will need a signature on delivery.",
    "The meeting with the supplier went well.", "Prices will rise by three percent from January.",
    "The backup job failed twice during the night.", "A technician will visit the site on Thursday.",
    "The claim was forwarded to our insurance partner.", "Payment is due within thirty days of the invoice date.",
    "The conveyor belt was replaced last week.", "Let us know if anything else is missing from the order.",
)


class Doc:
    """Text built piece by piece; values added with ``pii`` are recorded as ground truth."""

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
    """Faker values of one locale, shaped the way people write them."""

    def __init__(self, locale: str, seed: int) -> None:
        from faker import Faker

        self.f = Faker(locale)
        self.f.seed_instance(seed)
        self.rng = random.Random(seed)

    def person(self) -> tuple[str, str]:
        return ("PERSON", f"{self.f.first_name()} {self.f.last_name()}")

    def email(self, person: tuple[str, str] | None = None) -> tuple[str, str]:
        if person and self.rng.random() < 0.6:
            first, _, last = person[1].partition(" ")
            local = f"{first}.{last}".lower().replace(" ", "")
            local = local.encode("ascii", "ignore").decode() or "info"
            return ("EMAIL_ADDRESS", f"{local}@{self.f.free_email_domain()}")
        return ("EMAIL_ADDRESS", self.f.email())

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

        return ("US_SSN", Faker("en_US").ssn() if self.f.locales[0] != "en_US" else self.f.ssn())

    def ip(self) -> tuple[str, str]:
        roll = self.rng.random()
        ip = self.f.ipv6() if roll < 0.15 else self.f.ipv4_private() if roll < 0.4 else self.f.ipv4_public()
        return ("IP_ADDRESS", ip)

    def street(self) -> tuple[str, str]:
        return ("STREET_ADDRESS", self.f.street_address().replace("\n", ", "))

    def city(self) -> str:
        return f"{self.f.postcode()} {self.f.city()}"

    def prose(self, n: int = 3) -> str:
        return " ".join(self.rng.sample(SENTENCES, n))


def letter(v: Values, d: Doc) -> None:
    p, q = v.person(), v.person()
    d.add("Dear ", p, ",\n\n", v.prose(), "\n\nOur records show your address as ", v.street(), ", ", v.city(),
          ". If that is no longer correct, call us on ", v.phone(), ".\n\n", v.prose(), "\n\nKind regards,\n", q,
          "\n", v.f.company(), "\n")


def email(v: Values, d: Doc) -> None:
    p, q = v.person(), v.person()
    d.add("From: ", p, " <", v.email(p), ">\nTo: ", q, " <", v.email(q), ">\nSubject: ", v.f.catch_phrase(),
          "\n\nHi ", ("PERSON", q[1].split(" ")[0]), ",\n\n", v.prose(), " I tried to log in from ", v.ip(),
          " but the portal refused me.\n\n-- \n", p, "\nMobile: ", v.phone(), "\n")


def ticket(v: Values, d: Doc) -> None:
    p = v.person()
    d.add(f"Support ticket #{v.rng.randint(10000, 99999)}\nCustomer: ", p, "\nE-mail: ", v.email(p),
          "\nPhone: ", v.phone(), "\nAddress: ", v.street(), ", ", v.city(), "\nCard on file: ", v.card(),
          "\nDescription: ", v.prose(), " Last login from ", v.ip(), ".\n")


def payment(v: Values, d: Doc) -> None:
    p, q = v.person(), v.person()
    d.add("Payment instruction\n\nAccount holder: ", p, "\nIBAN: ", v.iban(),
          f"\nAmount: {v.rng.randint(20, 9000)}.{v.rng.randint(0, 99):02d} EUR\n"
          f"Reference: INV-{v.rng.randint(1000, 9999)}\n\n", v.prose(), " Questions go to ", q, " at ", v.email(q),
          ".\n")


def hr_record(v: Values, d: Doc) -> None:
    p, q = v.person(), v.person()
    d.add("Employee record\nName: ", p, "\nSSN: ", v.ssn(), "\nHome address: ", v.street(), ", ", v.city(),
          "\nEmergency contact: ", q, ", ", v.phone(), "\nNotes: ", v.prose(), "\n")


def chat(v: Values, d: Doc) -> None:
    p, agent = v.person(), v.person()
    first = p[1].split(" ")[0]
    d.add("[09:58] ", agent, ": Welcome to support, how can I help?\n[09:59] ", p, ": my card ", v.card(),
          " was declined twice\n[10:01] ", agent, ": sorry about that. Can you confirm your phone number?\n"
          "[10:02] ", p, ": sure, it is ", v.phone(), " and my email is ", v.email(p), "\n[10:04] ", agent,
          ": thanks ", ("PERSON", first), ", ", v.prose(), "\n")


def meeting(v: Values, d: Doc) -> None:
    p, q, r = v.person(), v.person(), v.person()
    d.add("Meeting notes\n\n", p, " met with ", q, " to discuss the migration. ", v.prose(), " ", r,
          " will send the draft to ", v.email(r), " by Friday. The old server at ", v.ip(),
          " is switched off next month; its owner's SSN (", v.ssn(), ") was found in a log file and removed.\n")


def table(v: Values, d: Doc) -> None:
    d.add("name;email;phone;iban\n")
    for _ in range(v.rng.randint(2, 4)):
        p = v.person()
        d.add(p, ";", v.email(p), ";", v.phone(), ";", v.iban(), "\n")


LAYOUTS: tuple[Callable[[Values, Doc], None], ...] = (letter, email, ticket, payment, hr_record, chat, meeting, table)


def corpus(n: int, seed: int) -> list[tuple[str, list[Gold], str]]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        locale = rng.choices([loc for loc, _ in LOCALES], [w for _, w in LOCALES])[0]
        layout = LAYOUTS[i % len(LAYOUTS)]
        d = Doc()
        layout(Values(locale, seed * 100_003 + i), d)
        docs.append((d.text, d.gold, f"{layout.__name__}/{locale}"))
    return docs


def score(docs: Sequence[tuple[str, list[Gold], str]], found: Sequence[list[Gold]]) -> dict[str, dict[str, float]]:
    counts: dict[str, Counter[str]] = {t: Counter() for t in TYPES}
    for (text, gold, _layout), spans in zip(docs, found, strict=True):
        covered = [False] * len(text)
        for _t, s, e in spans:
            covered[s:e] = [True] * (e - s)
        for t, s, e in gold:
            c = counts[t]
            c["gold"] += 1
            c["found"] += any(pt == t and ps < e and s < pe for pt, ps, pe in spans)
            c["redacted"] += all(covered[s:e])
        for t, s, e in spans:
            if t in counts:
                counts[t]["predicted"] += 1
                counts[t]["right"] += any(gt == t and gs < e and s < ge for gt, gs, ge in gold)
    table: dict[str, dict[str, float]] = {}
    for t, c in counts.items():
        p = c["right"] / c["predicted"] if c["predicted"] else 0.0
        r = c["found"] / c["gold"] if c["gold"] else 0.0
        table[t] = {"gold": c["gold"], "predicted": c["predicted"], "precision": p, "recall": r,
                    "f1": 2 * p * r / (p + r) if p + r else 0.0, "redacted": c["redacted"] / max(1, c["gold"])}
    return table


def misses(docs: Sequence[tuple[str, list[Gold], str]], found: Sequence[list[Gold]], kind: str,
           limit: int = 8) -> list[str]:
    out = []
    for (text, gold, layout), spans in zip(docs, found, strict=True):
        for t, s, e in gold:
            if t == kind and not any(pt == t and ps < e and s < pe for pt, ps, pe in spans):
                out.append(f"{layout}: {text[s:e]!r}")
    return out[:limit]


def false_alarms(docs: Sequence[tuple[str, list[Gold], str]], found: Sequence[list[Gold]], kind: str,
                 limit: int = 8) -> list[str]:
    out = []
    for (text, gold, layout), spans in zip(docs, found, strict=True):
        for t, s, e in spans:
            if t == kind and not any(gt == t and gs < e and s < ge for gt, gs, ge in gold):
                out.append(f"{layout}: {text[s:e]!r}")
    return out[:limit]


def probe_arguments(description: str, seed: int, docs: int = 600, sets: Sequence[str] = ()) -> argparse.Namespace:
    """A probe's command line (``--docs``, ``--seed``, ``--show-misses``, and ``--set`` where the probe has sets
    of frames, the first the default), read with the offline switches on."""
    from engine.offline import apply_offline_switches

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--docs", type=int, default=docs)
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument("--show-misses", action="store_true")
    if sets:
        parser.add_argument("--set", choices=sets, default=sets[0])
    args = parser.parse_args()
    apply_offline_switches()
    return args


def airlock_spans(texts: list[str], workers: int) -> list[list[Gold]]:
    from engine.privacy.batch import redact_many

    return [[(sp.entity_type, sp.start, sp.end) for sp in spans] for spans, _ in redact_many(texts, workers=workers)]


def bare_spans(texts: list[str]) -> list[list[Gold]]:
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from engine.privacy.analyzer import LANGUAGE, nlp_configuration

    engine = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=nlp_configuration()).create_engine(),
                            supported_languages=[LANGUAGE])
    results = BatchAnalyzerEngine(engine).analyze_iterator(texts, language=LANGUAGE, batch_size=16)
    return [[(r.entity_type, r.start, r.end) for r in rs] for rs in results]


def report(name: str, table: dict[str, dict[str, float]]) -> None:
    print(f"\n{name}\n| entity | planted | detected | precision | recall | F1 | fully redacted | recall target |")
    print("|---|---|---|---|---|---|---|---|")
    for t, row in table.items():
        met = "met" if row["recall"] >= TARGETS[t] else "**missed**"
        print(f"| {t} | {row['gold']:.0f} | {row['predicted']:.0f} | {row['precision']:.3f} | {row['recall']:.3f} "
              f"| {row['f1']:.3f} | {row['redacted']:.3f} | ≥ {TARGETS[t]:.2f} {met} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--baseline", action="store_true", help="also score bare presidio on the same texts")
    ap.add_argument("--save", type=Path, default=None, help="write the corpus with its ground truth as JSONL")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from engine.offline import apply_offline_switches

    apply_offline_switches()
    docs = corpus(args.docs, args.seed)
    texts = [t for t, _g, _l in docs]
    if args.save:
        args.save.write_text("".join(json.dumps({"text": t, "layout": lay, "spans": g}) + "\n" for t, g, lay in docs))
    planted = Counter(t for _t, gold, _l in docs for t, _s, _e in gold)
    print(f"{len(docs)} documents, {sum(map(len, texts)):,} characters, {sum(planted.values())} planted values: "
          + ", ".join(f"{t} {n}" for t, n in sorted(planted.items())))
    start = time.perf_counter()
    ours = airlock_spans(texts, args.workers)
    print(f"airlock detection: {time.perf_counter() - start:.1f} s with {args.workers} worker(s)")
    table = score(docs, ours)
    report("Airlock (engine.privacy, default settings)", table)
    for t in TYPES:
        if table[t]["recall"] < 1.0:
            print(f"  missed {t}: " + "; ".join(misses(docs, ours, t)))
        if table[t]["precision"] < 1.0:
            print(f"  wrongly {t}: " + "; ".join(false_alarms(docs, ours, t)))
    if args.baseline:
        start = time.perf_counter()
        bare = bare_spans(texts)
        print(f"\nbare presidio detection: {time.perf_counter() - start:.1f} s")
        report("bare presidio (default recognizers, same spaCy model, no threshold)", score(docs, bare))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
