"""Is a dataset version good enough to train on? The product's rules, each a plain sentence.

Levels: ``ok``; ``warn`` (training may go ahead, the person should know); ``refuse`` (fix the
data first). A version is ready when nothing refuses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.tasks.agreement import AGREEMENT_BAR

OK, WARN, REFUSE = "ok", "warn", "refuse"
MIN_EXAMPLES_SETTING = "dataset.min_examples"
DEFAULT_MIN_EXAMPLES = 50
ENOUGH_EXAMPLES = 1000
LEARNING_SPLITS = ("train", "eval", "test")
HELD_OUT_SPLITS = ("test", "golden", "ood")


@dataclass(frozen=True)
class ReadinessCheck:
    name: str  # examples | agreement | leakage | disagreements | balance
    level: str
    message: str


@dataclass(frozen=True)
class ReadinessReport:
    version_id: int
    version_name: str
    checks: list[ReadinessCheck] = field(default_factory=list)

    @property
    def refusals(self) -> list[str]:
        """Why the version is not ready (empty when it is)."""
        return [c.message for c in self.checks if c.level == REFUSE]

    @property
    def ready(self) -> bool:
        return not self.refusals

    def as_dict(self) -> dict[str, Any]:
        return {"version_id": self.version_id, "version": self.version_name, "ready": self.ready,
                "checks": [c.__dict__ for c in self.checks]}


def leaks(items: Sequence[tuple[int, str, str]], threshold: float) -> list[tuple[int, int, str]]:
    """(train example, its twin, the twin's split) for every train item that repeats or nearly repeats
    a test, golden or OOD item. ``items``: (example id, split, input text)."""
    from engine.datasets.neardup import near_duplicates  # numpy, loaded when needed

    groups: dict[int, list[int]] = defaultdict(list)
    for dup in near_duplicates([text for _, _, text in items], threshold):
        groups[dup.of_index].append(dup.index)
    found: list[tuple[int, int, str]] = []
    for first, members in groups.items():
        group = [first, *members]
        held = [i for i in group if items[i][1] in HELD_OUT_SPLITS]
        if held:
            found.extend((items[i][0], items[held[0]][0], items[held[0]][1]) for i in group if items[i][1] == "train")
    return sorted(found)


def assess(stats: dict[str, Any], split_counts: dict[str, int], leaked: list[tuple[int, int, str]],
           min_examples: int) -> list[ReadinessCheck]:
    checks = [_examples(split_counts, min_examples), _agreement(stats.get("agreement") or {})]
    if leaked:
        ex, twin, split = leaked[0]
        checks.append(ReadinessCheck("leakage", REFUSE, f"{len(leaked)} training examples repeat or nearly repeat "
                                     f"held-out ones (e.g. example {ex} and {split} example {twin}); "
                                     "freeze again to keep them apart"))
    else:
        checks.append(ReadinessCheck("leakage", OK, "No test, golden or OOD example, nor a near twin of one, "
                                     "is in the training split"))
    unresolved = int(stats.get("unresolved_disagreements", 0))
    checks.append(ReadinessCheck("disagreements", REFUSE, f"{unresolved} examples were left out because their "
                                 "annotators disagree; resolve them and freeze again")
                  if unresolved else ReadinessCheck("disagreements", OK, "No unresolved disagreements"))
    balance = stats.get("class_balance")
    if isinstance(balance, dict) and balance.get("counts"):
        counts: dict[str, int] = balance["counts"]
        rare = min(counts, key=lambda k: counts[k])
        common = max(counts, key=lambda k: counts[k])
        if balance.get("severe"):
            checks.append(ReadinessCheck("balance", WARN, f"Classes are severely imbalanced: {common!r} has "
                                         f"{counts[common]} examples, {rare!r} only {counts[rare]} "
                                         f"({balance['ratio']}x); label more of the rare classes"))
        else:
            checks.append(ReadinessCheck("balance", OK, f"Classes are reasonably balanced (largest/smallest "
                                         f"{balance['ratio']}x)"))
    return checks


def _examples(split_counts: dict[str, int], min_examples: int) -> ReadinessCheck:
    n = sum(split_counts.get(s, 0) for s in LEARNING_SPLITS)
    if n < min_examples or not split_counts.get("train"):
        return ReadinessCheck("examples", REFUSE, f"Only {n} examples to learn from; at least {min_examples} "
                              f"are needed (workspace setting {MIN_EXAMPLES_SETTING})")
    if not split_counts.get("test"):
        return ReadinessCheck("examples", WARN, f"{n} examples but none held out for testing; the model "
                              "cannot be measured")
    if n < ENOUGH_EXAMPLES:
        return ReadinessCheck("examples", WARN, f"{n} examples: fewer than {ENOUGH_EXAMPLES:,}, so results may be "
                              "weak; label more if you can")
    return ReadinessCheck("examples", OK, f"{n:,} examples to learn from")


def _agreement(agreement: dict[str, Any]) -> ReadinessCheck:
    n = int(agreement.get("n_double_labelled") or 0)
    percent = agreement.get("percent_agreement")
    if not n or percent is None:
        return ReadinessCheck("agreement", OK, "No example was labelled by two annotators; agreement not measured")
    kappa = agreement.get("cohen_kappa")
    detail = f"annotators agree on {percent:.0%} of {n} double-labelled examples (Cohen's kappa {kappa:.2f})"
    if percent < AGREEMENT_BAR:
        return ReadinessCheck("agreement", REFUSE, f"Labels are not consistent enough: {detail}; "
                              f"{AGREEMENT_BAR:.0%} is the bar. Clarify the label descriptions and relabel")
    return ReadinessCheck("agreement", OK, detail[0].upper() + detail[1:])
