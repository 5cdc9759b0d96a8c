"""Splits are stable across versions: once in test (or golden/OOD) an example stays unseen; new
examples are split with the stored seed; `dataset diff` shows what moved. Three real versions."""

from __future__ import annotations

from typing import Any

from engine.datasets.freeze import SplitPlan, earlier_split
from tests.engine.tasks_data import classification_task, fault_corpus, labelled
from tests.signed import SIGNED

PLAN = SplitPlan(seed=5, eval_fraction=0.1, test_fraction=0.2, token_lengths=False)


def _splits(ws: Any, version_id: int) -> dict[int, str]:
    return {r.example_id: r.split for r in ws.datasets.rows(version_id)}


def test_earlier_split_rules() -> None:
    assert earlier_split([]) is None
    assert earlier_split(["train", "eval"]) == "eval"
    assert earlier_split(["test", "train"]) == "test"  # a re-drawn version cannot pull it back into training
    assert earlier_split(["golden"]) == "test" and earlier_split(["train", "ood"]) == "test"


def test_three_versions_keep_every_placement_and_split_only_new_examples(workspace: Any) -> None:
    ws = workspace
    task = classification_task(ws)
    corpus = fault_corpus()
    first = labelled(ws, task.id, corpus[:120])
    v1 = ws.datasets.freeze(task.id, "v1", PLAN, signature=SIGNED)
    s1 = _splits(ws, v1.id)
    assert {"train", "eval", "test"} == set(s1.values())

    # v2: 60 new examples; one test example loses its label (left out); one train example becomes golden
    second = labelled(ws, task.id, corpus[120:180])
    dropped = next(ex for ex in first if s1[ex] == "test")
    ws.tasks.remove_label(dropped)
    made_golden = next(ex for ex in first if s1[ex] == "train")
    ws.tasks.set_marks(made_golden, golden=True)
    v2 = ws.datasets.freeze(task.id, "v2", PLAN, signature=SIGNED)
    s2 = _splits(ws, v2.id)
    assert dropped not in s2 and s2[made_golden] == "golden"
    assert all(s2[ex] == s1[ex] for ex in first if ex not in (dropped, made_golden))
    new_test = sum(1 for ex in second if s2[ex] == "test")
    assert 9 <= new_test <= 15  # the stored shares applied to the new examples only (20 % of 60, per label)
    assert v2.stats["kept_in_place"] == 118

    # v3: the dropped example is labelled again, the golden mark removed, a near twin of a test example added
    ws.tasks.set_label(dropped, corpus[first.index(dropped)][1])
    ws.tasks.set_marks(made_golden, golden=False)
    twin_of = next(ex for ex in second if s2[ex] == "test")
    text, label = corpus[120 + second.index(twin_of)]
    (twin,) = labelled(ws, task.id, [(text + " again", label)])
    v3 = ws.datasets.freeze(task.id, "v3", PLAN, signature=SIGNED)
    s3 = _splits(ws, v3.id)
    assert s3[dropped] == "test"  # back where v1 put it, though v2 left it out
    assert s3[made_golden] == "test"  # was golden: no model has trained on it, so it stays unseen
    assert s3[twin] == "test"  # joins its near twin's split
    assert all(s3[ex] == s2[ex] for ex in s2 if ex != made_golden)

    held_out_ever = {ex for s in (s1, s2) for ex, split in s.items() if split in ("test", "golden")}
    assert all(s3[ex] in ("test", "golden") for ex in held_out_ever)
    diff = ws.datasets.diff(v2.id, v3.id)
    assert [(m.example_id, m.from_split, m.to_split) for m in diff.moved] == [(made_golden, "golden", "test")]
    assert sorted(diff.added) == sorted([dropped, twin])


def test_resplit_redraws_and_the_diff_shows_the_moves(workspace: Any) -> None:
    ws = workspace
    task = classification_task(ws)
    labelled(ws, task.id, fault_corpus()[:90])
    v1 = ws.datasets.freeze(task.id, "v1", PLAN, signature=SIGNED)
    v2 = ws.datasets.freeze(task.id, "v2", SplitPlan(seed=9, test_fraction=0.4, token_lengths=False,
                                                     keep_splits=False), signature=SIGNED)
    diff = ws.datasets.diff(v1.id, v2.id)
    assert diff.moved and not diff.added and v2.stats["kept_in_place"] == 0
    assert any(m.from_split == "train" and m.to_split == "test" for m in diff.moved)
