"""Turn a run's stored outputs into its metrics and a per-item score, by task kind.

Each item gets a score in [0, 1] that the run's headline quality averages and the
paired bootstrap resamples: 1/0 for a classification label, the record's field-F1
for extraction, ROUGE-L for generation. ``correct`` marks what review calls an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.evaluation.extraction_metrics import extraction_metrics, parse_record, record_score
from engine.evaluation.generation_metrics import generation_metrics, normalise, rouge_l_scores
from engine.evaluation.metrics import auroc, classification_metrics, latency_metrics

QUALITY_NAMES = {"classification": "accuracy", "extraction": "mean field-F1", "generation": "ROUGE-L"}


@dataclass(frozen=True)
class Scored:
    metrics: dict[str, Any]
    scores: list[float]
    correct: list[bool]


def score_outputs(kind: str, spec: Mapping[str, Any], labels: Sequence[str], references: Sequence[str],
                  outputs: Sequence[str]) -> Scored:
    if kind == "classification":
        metrics = classification_metrics(references, outputs, labels)
        correct = [r == o for r, o in zip(references, outputs, strict=True)]
        scores = [1.0 if c else 0.0 for c in correct]
    elif kind == "extraction":
        schema = spec.get("schema")
        metrics = extraction_metrics(references, outputs, schema if isinstance(schema, dict) else None)
        scores, correct = [], []
        for ref, out in zip(references, outputs, strict=True):
            scores.append(record_score(parse_record(ref), parse_record(out)))
            correct.append(parse_record(out) is not None and scores[-1] == 1.0)
    elif kind == "generation":
        metrics = generation_metrics(references, outputs)
        scores = rouge_l_scores(references, outputs)
        correct = [normalise(r) == normalise(o) for r, o in zip(references, outputs, strict=True)]
    else:
        raise ValueError(f"unknown task kind {kind!r}")
    metrics["quality"] = sum(scores) / len(scores) if scores else 0.0
    metrics["quality_metric"] = QUALITY_NAMES[kind]
    metrics["task_kind"] = kind
    return Scored(metrics, scores, correct)


def run_metrics(kind: str, spec: Mapping[str, Any], labels: Sequence[str], references: Sequence[str],
                outputs: Sequence[str], confidences: Sequence[float | None], latencies_ms: Sequence[float],
                tokens: Sequence[int], alone_ms: Sequence[float] = ()) -> Scored:
    """Quality metrics of ``outputs`` against ``references``; latency from ``alone_ms`` (answers given one at a
    time) where given, else from ``latencies_ms``; throughput from ``latencies_ms`` and ``tokens``."""
    scored = score_outputs(kind, spec, labels, references, outputs)
    scored.metrics.update(latency_metrics(latencies_ms, tokens, alone_ms))
    if kind == "classification":
        scored.metrics["confidence_auroc"] = auroc([c or 0.0 for c in confidences], scored.correct)
    return scored
