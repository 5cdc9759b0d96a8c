"""Classification metrics and latency statistics, computed from stored predictions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in [0, 100])."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def classification_metrics(references: Sequence[str], predictions: Sequence[str],
                           labels: Sequence[str]) -> dict[str, Any]:
    if len(references) != len(predictions):
        raise ValueError("references and predictions differ in length")
    n = len(references)
    per_class: dict[str, dict[str, float]] = {}
    confusion = {r: {p: 0 for p in labels} for r in labels}
    for ref, pred in zip(references, predictions, strict=True):
        if ref in confusion and pred in confusion[ref]:
            confusion[ref][pred] += 1
    f1s = []
    for label in labels:
        tp = sum(1 for r, p in zip(references, predictions, strict=True) if r == label and p == label)
        fp = sum(1 for r, p in zip(references, predictions, strict=True) if r != label and p == label)
        fn = sum(1 for r, p in zip(references, predictions, strict=True) if r == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        support = tp + fn
        per_class[label] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
        if support:
            f1s.append(f1)
    correct = sum(1 for r, p in zip(references, predictions, strict=True) if r == p)
    accuracy = correct / n if n else 0.0
    return {
        "n": n,
        "accuracy": accuracy,
        "macro_f1": sum(f1s) / len(f1s) if f1s else 0.0,
        "micro_f1": accuracy,  # single-label: micro-F1 equals accuracy
        "per_class": per_class,
        "confusion": confusion,
    }


def latency_metrics(latencies_ms: Sequence[float], tokens: Sequence[int]) -> dict[str, float]:
    total_s = sum(latencies_ms) / 1000
    return {
        "latency_p50_ms": percentile(latencies_ms, 50),
        "latency_p95_ms": percentile(latencies_ms, 95),
        "tokens_per_second": (sum(tokens) / total_s) if total_s > 0 else 0.0,
    }


def auroc(scores: Sequence[float], positives: Sequence[bool]) -> float | None:
    """Probability that a random right answer has a higher confidence than a random wrong one."""
    pos = [s for s, ok in zip(scores, positives, strict=True) if ok]
    neg = [s for s, ok in zip(scores, positives, strict=True) if not ok]
    if not pos or not neg:
        return None
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))
