"""The pure part of freezing: validate, de-duplicate, split without leakage. No database here.

1. Every example must have a final answer, form a valid conversation under the task's prompt
   and satisfy the task (label in the set, JSON valid under the schema, length).
2. Exact duplicates (same input after normalising case and whitespace) are dropped; the same
   input with a different answer is rejected as a contradiction.
3. Near-duplicates (word 3-gram Jaccard >= threshold) form groups. A group stays in one split,
   so no test or eval example has a near twin in train; a near twin of a golden or OOD example
   is left out (those sets must stay unseen).
4. Splits are stable across versions: an example (or near-duplicate group) placed in an earlier
   version of the task keeps its place; once in test it stays in test (a golden or OOD example
   no longer flagged so goes to test: no model has seen it). Only new examples are split, with
   the stored seed, stratified by label for classification.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from engine.tasks.conversation import conversation_problems
from engine.tasks.display import normalised_input
from engine.tasks.prompt import Message

HELD_OUT = ("golden", "ood")


@dataclass(frozen=True)
class Candidate:
    example_id: int
    input_text: str
    target: str | None  # the final answer (resolution or agreed label); None when there is none
    problem: str | None = None  # why there is no target ("not labelled", "annotators disagree ...")
    is_golden: bool = False
    is_ood: bool = False


@dataclass(frozen=True)
class FrozenItem:
    example_id: int
    split: str
    input_text: str
    target: str
    content_hash: str


@dataclass(frozen=True)
class SplitPlan:
    seed: int = 13
    eval_fraction: float = 0.1
    test_fraction: float = 0.2
    min_input_chars: int = 1
    max_input_chars: int = 20000
    min_answer_chars: int = 1
    max_answer_chars: int = 20000
    near_duplicate_threshold: float = 0.9
    token_lengths: bool = True  # count tokens with the base model's tokenizer
    keep_splits: bool = True  # examples placed by earlier versions stay put; False re-draws every split


@dataclass
class FreezeOutcome:
    items: list[FrozenItem] = field(default_factory=list)
    rejections: list[tuple[int, str]] = field(default_factory=list)
    near_duplicates: list[tuple[int, int, float]] = field(default_factory=list)  # (example, of example, J)
    leakage_prevented: list[tuple[int, int, str]] = field(default_factory=list)  # (example, twin, twin's split)
    conflicting_near_duplicates: int = 0  # near twins with different answers: worth a look
    kept_in_place: int = 0  # items placed where an earlier version had them (or their near twins)


def normalised_hash(text: str, target: str) -> str:
    return _hash_of(normalised_input(text), target)


def _hash_of(normalised: str, target: str) -> str:
    return hashlib.sha256(f"{normalised}\x1f{target.strip()}".encode()).hexdigest()


PLACEMENT_ORDER = ("test", "eval", "train")  # a group's members placed apart: the most held-out wins


def earlier_split(history: list[str]) -> str | None:
    """Where an example goes given its splits in earlier versions, oldest first: test if it was
    ever in test, golden or OOD (unseen by every model so far), else its latest split."""
    if not history:
        return None
    if any(split in ("test", *HELD_OUT) for split in history):
        return "test"
    return history[-1]


AnswerCheck = Callable[[str], list[str]]
ToMessages = Callable[[str, str], list[Message]]


def _validate(cand: Candidate, plan: SplitPlan, check_answer: AnswerCheck, to_messages: ToMessages) -> str | None:
    if cand.target is None:
        return cand.problem or "not labelled"
    text = cand.input_text.strip()
    if len(text) < plan.min_input_chars:
        return "empty input" if not text else f"input shorter than {plan.min_input_chars} characters"
    if len(text) > plan.max_input_chars:
        return f"input longer than {plan.max_input_chars} characters"
    problems = conversation_problems(to_messages(text, cand.target), plan.min_answer_chars, plan.max_answer_chars)
    problems += check_answer(cand.target)
    return "; ".join(problems) if problems else None


def freeze(candidates: list[Candidate], check_answer: AnswerCheck, to_messages: ToMessages,
           plan: SplitPlan, stratify: bool = True, placed_before: Mapping[int, str] | None = None) -> FreezeOutcome:
    """``stratify``: split each answer separately (classification); otherwise split all together.
    ``placed_before``: example id -> its split from earlier versions (``earlier_split``); those
    examples, and their near-duplicate groups, keep it."""
    placed_before = placed_before or {}
    from engine.datasets.neardup import near_duplicates  # numpy, loaded when needed

    out = FreezeOutcome()
    first_by_input: dict[str, Candidate] = {}
    kept: list[Candidate] = []
    keys: list[str] = []  # normalised input of each kept candidate
    answer_problems: dict[str, list[str]] = {}  # answers repeat (a label set): each is checked once

    def check_once(answer: str) -> list[str]:
        found = answer_problems.get(answer)
        if found is None:
            found = answer_problems[answer] = check_answer(answer)
        return found

    for cand in sorted(candidates, key=lambda c: c.example_id):
        reason = _validate(cand, plan, check_once, to_messages)
        if reason is None:
            key = normalised_input(cand.input_text)
            first = first_by_input.setdefault(key, cand)
            if first is not cand:
                reason = (f"duplicate of example {first.example_id}" if first.target == cand.target else
                          f"same input as example {first.example_id} but a different answer "
                          f"({cand.target!r} vs {first.target!r}); correct one of them")
        if reason is not None:
            out.rejections.append((cand.example_id, reason))
        else:
            kept.append(cand)
            keys.append(key)

    groups: dict[int, list[int]] = defaultdict(list)  # first index of a group -> its members
    for dup in near_duplicates([c.input_text for c in kept], plan.near_duplicate_threshold):
        groups[dup.of_index].append(dup.index)
        out.near_duplicates.append((kept[dup.index].example_id, kept[dup.of_index].example_id, dup.jaccard))
        if kept[dup.index].target != kept[dup.of_index].target:
            out.conflicting_near_duplicates += 1
    grouped = {i for members in groups.values() for i in members}
    units = [[i, *groups.get(i, [])] for i in range(len(kept)) if i not in grouped]

    by_target: dict[str, list[list[int]]] = defaultdict(list)
    for unit in units:
        held = [i for i in unit if kept[i].is_golden or kept[i].is_ood]
        for i in held:
            _add(out, kept[i], keys[i], "golden" if kept[i].is_golden else "ood")
        if held:
            twin = kept[held[0]]
            for i in unit:
                if i not in held:
                    split = "golden" if twin.is_golden else "ood"
                    out.rejections.append((kept[i].example_id, f"near-duplicate of {split} example "
                                           f"{twin.example_id}; left out so the {split} set stays unseen"))
                    out.leakage_prevented.append((kept[i].example_id, twin.example_id, split))
            continue
        earlier = {placed_before[kept[i].example_id] for i in unit if kept[i].example_id in placed_before}
        if earlier:
            split = next((s for s in PLACEMENT_ORDER if s in earlier), "test")
            for i in unit:
                _add(out, kept[i], keys[i], split)
            out.kept_in_place += len(unit)
            continue
        by_target[(kept[unit[0]].target or "") if stratify else ""].append(unit)

    rng = random.Random(plan.seed)
    for target in sorted(by_target):
        target_units = by_target[target]
        rng.shuffle(target_units)
        n = sum(len(u) for u in target_units)
        n_test, n_eval = round(n * plan.test_fraction), round(n * plan.eval_fraction)
        placed = 0
        for unit in target_units:
            split = "test" if placed < n_test else "eval" if placed < n_test + n_eval else "train"
            placed += len(unit)
            for i in unit:
                _add(out, kept[i], keys[i], split)
    out.items.sort(key=lambda it: (it.split, it.example_id))
    return out


def _add(out: FreezeOutcome, cand: Candidate, key: str, split: str) -> None:
    """``key``: the candidate's ``normalised_input``, computed once for the duplicate check."""
    target = cand.target or ""
    out.items.append(FrozenItem(cand.example_id, split, cand.input_text.strip(), target,
                                _hash_of(key, target)))


def version_hash(items: list[FrozenItem], task_fingerprint: str, seed: int) -> str:
    digest = hashlib.sha256(f"{task_fingerprint}\x1e{seed}".encode())
    for item in sorted(items, key=lambda it: (it.split, it.content_hash)):
        digest.update(f"\x1e{item.split}\x1f{item.content_hash}".encode())
    return digest.hexdigest()
