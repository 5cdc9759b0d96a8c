"""Dataset versions compared (diff) and judged (readiness: ok / warn / refuse, each rule)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from engine.clock import now
from engine.datasets.freeze import SplitPlan
from engine.datasets.readiness import MIN_EXAMPLES_SETTING
from engine.store.models import DatasetItem, DatasetVersion
from tests.engine.tasks_data import add_examples, classification_task, fault_corpus, labelled
from tests.signed import SIGNED

FAST = SplitPlan(seed=3, token_lengths=False)


def levels(report: Any) -> dict[str, str]:
    return {c.name: c.level for c in report.checks}


def test_diff_added_removed_changed_moved(workspace: Any) -> None:
    task = classification_task(workspace)
    rows = fault_corpus()
    ids = labelled(workspace, task.id, rows[:40] + rows[100:140])
    v1 = workspace.datasets.freeze(task.id, "v1", FAST, signature=SIGNED)
    workspace.tasks.set_label(ids[0], "hydraulic")  # changed answer
    workspace.tasks.set_label(ids[1], "mechanical", annotator="ben")  # now disputed: removed
    added = labelled(workspace, task.id, rows[200:205])
    v2 = workspace.datasets.freeze(task.id, "v2", FAST, signature=SIGNED)
    diff = workspace.datasets.diff(v1.id, v2.id)
    assert diff.added == added
    assert diff.removed == [ids[1]]
    assert ids[0] in diff.changed and len(diff.changed) == 1
    before = {r.example_id: r.split for r in workspace.datasets.rows(v1.id)}
    after = {r.example_id: r.split for r in workspace.datasets.rows(v2.id)}
    assert {(m.example_id, m.from_split, m.to_split) for m in diff.moved} == {
        (e, before[e], after[e]) for e in set(before) & set(after) if before[e] != after[e]}
    assert diff.unchanged == sum(1 for e in set(before) & set(after)
                                 if before[e] == after[e] and e != ids[0])
    assert workspace.datasets.diff(v1.id, v1.id).identical


def test_readiness_warns_under_a_thousand_and_refuses_under_the_minimum(workspace: Any) -> None:
    task = classification_task(workspace)
    labelled(workspace, task.id, fault_corpus())
    version = workspace.datasets.freeze(task.id, "v1", FAST, signature=SIGNED)
    report = workspace.datasets.readiness(version.id)
    assert report.ready
    assert levels(report) == {"examples": "warn", "agreement": "ok", "leakage": "ok", "disagreements": "ok",
                              "balance": "ok"}
    assert report.checks[0].message.startswith("300 examples: fewer than 1,000")
    workspace.set_setting(MIN_EXAMPLES_SETTING, "500")
    report = workspace.datasets.readiness(version.id)
    assert not report.ready and levels(report)["examples"] == "refuse"
    assert "at least 500 are needed" in report.checks[0].message
    assert report.as_dict()["ready"] is False


def test_readiness_refuses_low_agreement_and_unresolved_disagreements(workspace: Any) -> None:
    task = classification_task(workspace)
    rows = fault_corpus()
    ids = labelled(workspace, task.id, rows)
    for ex in ids[:20]:
        workspace.tasks.set_label(ex, "hydraulic" if ex % 4 == 0 else rows[ids.index(ex)][1], annotator="ben")
    disputed = workspace.tasks.disagreements(task.id)
    assert len(disputed) == 5
    version = workspace.datasets.freeze(task.id, "v1", FAST, signature=SIGNED)
    report = workspace.datasets.readiness(version.id)
    assert levels(report)["agreement"] == "refuse"
    assert "agree on 75% of 20 double-labelled examples" in report.checks[1].message
    assert levels(report)["disagreements"] == "refuse"
    assert report.checks[3].message.startswith("5 examples were left out")
    for ex in disputed:
        workspace.tasks.resolve(ex, rows[ids.index(ex)][1])
    resolved = workspace.datasets.freeze(task.id, "v2", FAST, signature=SIGNED)
    assert levels(workspace.datasets.readiness(resolved.id))["disagreements"] == "ok"


def test_readiness_refuses_a_version_with_leakage(workspace: Any) -> None:
    """A version stored by an older freezer (items written directly) with a test item repeated in train."""
    task = classification_task(workspace)
    rows = fault_corpus()
    ids = add_examples(workspace, task.id, [t for t, _ in rows])
    with workspace.unit() as s:
        v = DatasetVersion(task_id=task.id, name="old", seed=1, content_hash="f" * 64, stats="{}",
                           created_by="tester", created_at=now())
        s.add(v)
        s.flush()
        items = [{"version_id": v.id, "example_id": ex, "split": "test" if i % 5 == 0 else "train",
                  "input_text": rows[i][0], "target": rows[i][1], "content_hash": str(i)} for i, ex in enumerate(ids)]
        items[1]["input_text"] = rows[0][0] + " again"  # train item 1 nearly repeats test item 0
        s.execute(insert(DatasetItem), items)
        version_id = v.id
    report = workspace.datasets.readiness(version_id)
    assert not report.ready and levels(report)["leakage"] == "refuse"
    assert f"e.g. example {ids[1]} and test example {ids[0]}" in report.checks[2].message


def test_a_version_is_an_immutable_copy_identified_by_its_content_hash(workspace: Any) -> None:
    from engine.datasets.freeze import FrozenItem, normalised_hash, version_hash
    from engine.store.models import Example

    task = classification_task(workspace)
    ids = labelled(workspace, task.id, fault_corpus()[:60])
    v1 = workspace.datasets.freeze(task.id, "v1", FAST, signature=SIGNED)
    frozen = workspace.datasets.rows(v1.id)
    # the hash is recomputable from what the version stores: its items, the task and the seed
    items = [FrozenItem(r.example_id, r.split, r.input_text, r.target, normalised_hash(r.input_text, r.target))
             for r in frozen]
    assert v1.content_hash == version_hash(items, task.fingerprint(), 3) and len(v1.content_hash) == 64
    # later edits to the examples change the next version, never this one
    was = {r.example_id: r.target for r in frozen}[ids[0]]
    workspace.tasks.set_label(ids[0], "hydraulic" if was != "hydraulic" else "electrical")
    with workspace.unit() as s:
        s.get_one(Example, ids[1]).input_text = "rewritten after the freeze"
    assert workspace.datasets.rows(v1.id) == frozen and workspace.datasets.get(v1.id).content_hash == v1.content_hash
    v2 = workspace.datasets.freeze(task.id, "v2", FAST, signature=SIGNED)
    assert v2.content_hash != v1.content_hash
    assert {r.example_id: r.target for r in workspace.datasets.rows(v2.id)}[ids[0]] != was
    assert {r.example_id: r.input_text for r in workspace.datasets.rows(v2.id)}[ids[1]] == "rewritten after the freeze"


def test_items_are_stored_in_bulk_inside_the_versions_transaction(workspace: Any) -> None:
    """``insert_many`` (the freeze's bulk write) names unknown columns, and writes nothing when the
    transaction it belongs to fails."""
    import pytest

    from engine.store.db import insert_many

    task = classification_task(workspace)
    ids = labelled(workspace, task.id, fault_corpus()[:3])
    with pytest.raises(ValueError, match="dataset_items has no column splits"), workspace.unit() as s:
        insert_many(s, DatasetItem, ("version_id", "splits"), [(1, "train")])
    with pytest.raises(RuntimeError, match="stop"), workspace.unit() as s:
        version = DatasetVersion(task_id=task.id, name="x", seed=1, content_hash="h", stats="{}", created_by="t",
                                 created_at=now())
        s.add(version)
        s.flush()
        insert_many(s, DatasetItem, ("version_id", "example_id", "split", "input_text", "target", "content_hash"),
                    [(version.id, ex, "train", "t", "a", "c") for ex in ids])
        raise RuntimeError("stop")
    with workspace.reader() as s:
        assert s.query(DatasetItem).count() == 0 and s.query(DatasetVersion).count() == 0
