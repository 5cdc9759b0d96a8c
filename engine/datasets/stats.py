"""What a frozen version holds: counts per split, class balance, lengths. Stored as its ``stats`` JSON."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from engine.datasets.freeze import HELD_OUT, FreezeOutcome, FrozenItem, SplitPlan
from engine.datasets.tokens import length_summary

SEVERE_IMBALANCE = 10.0  # largest class / smallest class
NEAR_DUPLICATE_SAMPLE = 50  # pairs kept in the stats for people to look at


def class_balance(items: list[FrozenItem]) -> dict[str, Any]:
    """Counts per label over train/eval/test, and whether the imbalance is severe."""
    counts = Counter(it.target for it in items if it.split not in HELD_OUT)
    if not counts:
        return {"counts": {}, "ratio": None, "severe": False}
    ratio = max(counts.values()) / min(counts.values())
    return {"counts": dict(sorted(counts.items())), "ratio": round(ratio, 2), "severe": ratio >= SEVERE_IMBALANCE}


def statistics(outcome: FreezeOutcome, plan: SplitPlan, classification: bool,
               token_lengths: dict[str, Any] | None = None) -> dict[str, Any]:
    items = outcome.items
    splits: dict[str, int] = Counter(it.split for it in items)
    stats: dict[str, Any] = {
        "total": len(items),
        "splits": dict(sorted(splits.items())),
        "rejected": len(outcome.rejections),
        "input_chars": length_summary([len(it.input_text) for it in items]),
        "answer_chars": length_summary([len(it.target) for it in items]),
        "near_duplicates": {"threshold": plan.near_duplicate_threshold, "count": len(outcome.near_duplicates),
                            "with_different_answers": outcome.conflicting_near_duplicates,
                            "sample": [list(p) for p in outcome.near_duplicates[:NEAR_DUPLICATE_SAMPLE]]},
        "leakage": {"prevented": len(outcome.leakage_prevented),
                    "examples": [list(p) for p in outcome.leakage_prevented[:NEAR_DUPLICATE_SAMPLE]]},
        "plan": plan.__dict__,
        "kept_in_place": outcome.kept_in_place,
    }
    if classification:
        balance: dict[str, dict[str, int]] = defaultdict(dict)
        for (split, target), n in sorted(Counter((it.split, it.target) for it in items).items()):
            balance[split][target] = n
        stats["balance"] = dict(balance)
        stats["class_balance"] = class_balance(items)
    stats["token_lengths"] = token_lengths or {"available": False, "reason": "not counted"}
    return stats
