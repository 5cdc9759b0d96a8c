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


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts (0 where undefined)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def classification_metrics(references: Sequence[str], predictions: Sequence[str],
                           labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 (over classes present in the references), micro-F1, per-class
    precision/recall/F1/support and the confusion matrix ``confusion[reference][prediction]``."""
    if len(references) != len(predictions):
        raise ValueError("references and predictions differ in length")
    pairs = list(zip(references, predictions, strict=True))
    n = len(pairs)
    confusion = {r: {p: 0 for p in labels} for r in labels}
    for ref, pred in pairs:
        if ref in confusion and pred in confusion[ref]:
            confusion[ref][pred] += 1
    per_class: dict[str, dict[str, float]] = {}
    f1s = []
    sum_tp = sum_fp = sum_fn = 0
    for label in labels:
        tp = sum(1 for r, p in pairs if r == label and p == label)
        fp = sum(1 for r, p in pairs if r != label and p == label)
        fn = sum(1 for r, p in pairs if r == label and p != label)
        sum_tp, sum_fp, sum_fn = sum_tp + tp, sum_fp + fp, sum_fn + fn
        precision, recall, f1 = prf(tp, fp, fn)
        support = tp + fn
        per_class[label] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
        if support:
            f1s.append(f1)
    correct = sum(1 for r, p in pairs if r == p)
    return {
        "n": n,
        "accuracy": correct / n if n else 0.0,
        "macro_f1": sum(f1s) / len(f1s) if f1s else 0.0,
        "micro_f1": prf(sum_tp, sum_fp, sum_fn)[2],
        "per_class": per_class,
        "confusion": confusion,
    }


def latency_metrics(latencies_ms: Sequence[float], tokens: Sequence[int],
                    alone_ms: Sequence[float] = ()) -> dict[str, float]:
    """Mean, median and 95th-percentile latency of the answers given one at a time (``alone_ms``; of all answers
    where there are none), what one request waits for; tokens per second over all answers (throughput).
    ``latency_answers``: how many answers the latencies were measured on."""
    total_s = sum(latencies_ms) / 1000
    measured = list(alone_ms) or list(latencies_ms)
    return {
        "latency_mean_ms": (sum(measured) / len(measured)) if measured else 0.0,
        "latency_p50_ms": percentile(measured, 50),
        "latency_p95_ms": percentile(measured, 95),
        "latency_answers": float(len(measured)),
        "tokens_per_second": (sum(tokens) / total_s) if total_s > 0 else 0.0,
    }


def auroc(scores: Sequence[float], positives: Sequence[bool]) -> float | None:
    """Probability that a random right answer has a higher confidence than a random wrong one
    (ties count half): the Mann-Whitney U statistic from average ranks, O(n log n)."""
    pairs = sorted(zip(scores, positives, strict=True), key=lambda p: p[0])
    n_pos = sum(1 for _, ok in pairs if ok)
    n_neg = len(pairs) - n_pos
    if not n_pos or not n_neg:
        return None
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        average_rank = (i + 1 + j) / 2  # ranks i+1 .. j share their mean
        rank_sum += average_rank * sum(1 for _, ok in pairs[i:j] if ok)
        i = j
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
