"""Generation metrics: ROUGE-L F-measure (rouge-score, Porter stemming) and exact match."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def rouge_l_scores(references: Sequence[str], outputs: Sequence[str]) -> list[float]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    return [float(scorer.score(ref, out)["rougeL"].fmeasure)
            for ref, out in zip(references, outputs, strict=True)]


def generation_metrics(references: Sequence[str], outputs: Sequence[str]) -> dict[str, Any]:
    if len(references) != len(outputs):
        raise ValueError("references and outputs differ in length")
    n = len(outputs)
    scores = rouge_l_scores(references, outputs)
    exact = sum(1 for r, o in zip(references, outputs, strict=True) if normalise(r) == normalise(o))
    return {"n": n, "rouge_l": sum(scores) / n if n else 0.0, "exact_match": exact / n if n else 0.0}
