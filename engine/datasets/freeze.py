"""The pure part of freezing: validate, de-duplicate, split. No database here."""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Candidate:
    example_id: int
    input_text: str
    labels: tuple[str, ...]  # every annotator's answer
    is_golden: bool = False
    is_ood: bool = False


@dataclass(frozen=True)
class FrozenItem:
    example_id: int
    split: str
    input_text: str
    target: str
    content_hash: str


@dataclass
class FreezeOutcome:
    items: list[FrozenItem] = field(default_factory=list)
    rejections: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SplitPlan:
    seed: int = 13
    eval_fraction: float = 0.1
    test_fraction: float = 0.2
    min_input_chars: int = 1
    max_input_chars: int = 20000


def normalised_hash(text: str, target: str) -> str:
    norm = _SPACE.sub(" ", text.strip().lower())
    return hashlib.sha256(f"{norm}\x1f{target.strip()}".encode()).hexdigest()


def resolve_target(labels: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(target, rejection reason): annotators must agree."""
    if not labels:
        return None, "not labelled"
    distinct = set(labels)
    if len(distinct) > 1:
        return None, f"annotators disagree ({', '.join(sorted(distinct))}); resolve it first"
    return labels[0], None


def freeze(candidates: list[Candidate], allowed_labels: tuple[str, ...] | None,
           plan: SplitPlan) -> FreezeOutcome:
    out = FreezeOutcome()
    seen: dict[str, int] = {}
    kept: list[tuple[Candidate, str, str]] = []
    for cand in sorted(candidates, key=lambda c: c.example_id):
        target, reason = resolve_target(cand.labels)
        text = cand.input_text.strip()
        if reason is None and not text:
            reason = "empty input"
        if reason is None and len(text) < plan.min_input_chars:
            reason = f"input shorter than {plan.min_input_chars} characters"
        if reason is None and len(text) > plan.max_input_chars:
            reason = f"input longer than {plan.max_input_chars} characters"
        if reason is None and target is not None and not target.strip():
            reason = "empty answer"
        if reason is None and allowed_labels is not None and target not in allowed_labels:
            reason = f"label {target!r} is not in the task's label set"
        if reason is None and target is not None:
            digest = normalised_hash(text, target)
            if digest in seen:
                reason = f"duplicate of example {seen[digest]}"
            else:
                seen[digest] = cand.example_id
                kept.append((cand, target, digest))
        if reason is not None:
            out.rejections.append((cand.example_id, reason))

    by_label: dict[str, list[tuple[Candidate, str, str]]] = defaultdict(list)
    for row in kept:
        cand, target, digest = row
        if cand.is_golden or cand.is_ood:
            split = "golden" if cand.is_golden else "ood"
            out.items.append(FrozenItem(cand.example_id, split, cand.input_text.strip(), target, digest))
        else:
            by_label[target].append(row)
    rng = random.Random(plan.seed)
    for label in sorted(by_label):
        rows = by_label[label]
        rng.shuffle(rows)
        n = len(rows)
        n_test = round(n * plan.test_fraction)
        n_eval = round(n * plan.eval_fraction)
        for i, (cand, target, digest) in enumerate(rows):
            split = "test" if i < n_test else "eval" if i < n_test + n_eval else "train"
            out.items.append(FrozenItem(cand.example_id, split, cand.input_text.strip(), target, digest))
    out.items.sort(key=lambda it: (it.split, it.example_id))
    return out


def version_hash(items: list[FrozenItem], task_fingerprint: str, seed: int) -> str:
    digest = hashlib.sha256(f"{task_fingerprint}\x1e{seed}".encode())
    for item in sorted(items, key=lambda it: (it.split, it.content_hash)):
        digest.update(f"\x1e{item.split}\x1f{item.content_hash}".encode())
    return digest.hexdigest()


def statistics(items: list[FrozenItem]) -> dict[str, object]:
    splits: dict[str, dict[str, int]] = defaultdict(dict)
    counts = Counter((it.split, it.target) for it in items)
    for (split, target), n in sorted(counts.items()):
        splits[split][target] = n
    lengths = sorted(len(it.input_text) for it in items)
    return {
        "total": len(items),
        "splits": {s: sum(v.values()) for s, v in splits.items()},
        "balance": dict(splits),
        "input_chars": {"min": lengths[0] if lengths else 0,
                        "median": lengths[len(lengths) // 2] if lengths else 0,
                        "max": lengths[-1] if lengths else 0},
    }
