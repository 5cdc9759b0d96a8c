"""How consistently annotators label: percent agreement and Cohen's kappa, per pair and per label.

Pure functions over plain values; the service reads the labels. Agreement values are
fractions in [0, 1] (0.9 means 90 %). Labels recorded by a resolution (annotator
``resolution:<user>``) settle a disagreement and are not an opinion: they are left out here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

RESOLUTION_PREFIX = "resolution:"
AGREEMENT_BAR = 0.9  # labels consistent enough to learn from


def is_resolution(annotator: str) -> bool:
    return annotator.startswith(RESOLUTION_PREFIX)


def percent_agreement(a: Sequence[str], b: Sequence[str]) -> float:
    """Share of items on which the two annotators gave the same value."""
    if len(a) != len(b):
        raise ValueError("both annotators must label the same items")
    if not a:
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Agreement corrected for chance: (p_o - p_e) / (1 - p_e).

    p_e sums, over every value, the product of the two annotators' shares of it. When
    chance agreement is certain (both always gave one and the same value) kappa is 1.0."""
    p_o = percent_agreement(a, b)
    if not a:
        return 0.0
    n = len(a)
    count_a, count_b = Counter(a), Counter(b)
    p_e = sum(count_a[v] * count_b[v] for v in count_a) / (n * n)
    if p_e >= 1.0:
        return 1.0 if p_o >= 1.0 else 0.0
    return (p_o - p_e) / (1.0 - p_e)


@dataclass(frozen=True)
class PairAgreement:
    annotator_a: str
    annotator_b: str
    n_items: int
    percent_agreement: float
    cohen_kappa: float


@dataclass(frozen=True)
class LabelAgreement:
    """One label against all others ("was it X or not?"), over every pair of annotations."""

    label: str
    n_items: int
    percent_agreement: float
    cohen_kappa: float


@dataclass(frozen=True)
class AgreementReport:
    task_id: int
    n_double_labelled: int  # examples with answers from two or more annotators
    percent_agreement: float | None  # over every pair of answers to the same example; None if none
    cohen_kappa: float | None
    pairs: list[PairAgreement] = field(default_factory=list)
    labels: list[LabelAgreement] = field(default_factory=list)
    bar: float = AGREEMENT_BAR

    @property
    def meets_bar(self) -> bool:
        """True when nothing is double-labelled or overall agreement reaches the bar."""
        return self.percent_agreement is None or self.percent_agreement >= self.bar


def opinions(labels: Mapping[str, str]) -> dict[str, str]:
    """Annotator -> value without resolutions."""
    return {who: v for who, v in labels.items() if not is_resolution(who)}


def final_label(labels: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(the value a dataset uses, why there is none): the resolution if any, else the value every
    annotator gave."""
    if len(labels) == 1:  # one annotator or one resolution: its value either way
        return next(iter(labels.values())), None
    resolved = [v for who, v in sorted(labels.items()) if is_resolution(who)]
    if resolved:
        return resolved[-1], None
    given = set(opinions(labels).values())
    if not given:
        return None, "not labelled"
    if len(given) > 1:
        return None, f"annotators disagree ({', '.join(sorted(given))}); resolve it first"
    return given.pop(), None


def agreement_report(task_id: int, by_example: Mapping[int, Mapping[str, str]]) -> AgreementReport:
    """``by_example``: example id -> annotator -> value (resolutions are ignored)."""
    pair_items: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    n_double = 0
    for labels in by_example.values():
        given = opinions(labels)
        if len(given) < 2:
            continue
        n_double += 1
        for who_a, who_b in combinations(sorted(given), 2):
            a_vals, b_vals = pair_items.setdefault((who_a, who_b), ([], []))
            a_vals.append(given[who_a])
            b_vals.append(given[who_b])
    if not pair_items:
        return AgreementReport(task_id, 0, None, None)
    pairs = [PairAgreement(a, b, len(va), percent_agreement(va, vb), cohen_kappa(va, vb))
             for (a, b), (va, vb) in sorted(pair_items.items())]
    all_a = [v for va, _ in pair_items.values() for v in va]
    all_b = [v for _, vb in pair_items.values() for v in vb]
    per_label = []
    for label in sorted(set(all_a) | set(all_b)):
        bin_a = ["yes" if v == label else "no" for v in all_a]
        bin_b = ["yes" if v == label else "no" for v in all_b]
        per_label.append(LabelAgreement(label, sum(1 for x, y in zip(all_a, all_b, strict=True)
                                                   if label in (x, y)),
                                        percent_agreement(bin_a, bin_b), cohen_kappa(bin_a, bin_b)))
    return AgreementReport(task_id, n_double, percent_agreement(all_a, all_b), cohen_kappa(all_a, all_b),
                           pairs, per_label)
