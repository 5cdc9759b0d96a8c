"""engine.tasks.browse: counts and pages of a task's examples under every filter, on 5,000 rows."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import insert, update

from engine.store import models as m
from engine.tasks import browse
from engine.tasks.browse import ExampleFilter

N = 5000
LABELS = ("refund", "complaint", "question")
T0 = datetime(2026, 1, 1)


def fill_task(ws: Any, n: int = N) -> int:
    """n examples; every 3rd unlabelled, the rest labelled by tester (LABELS cycling); every 10th
    also labelled by alice, disagreeing on every 20th; marks on every 7th/11th/13th."""
    with ws.unit() as s:
        task = m.Task(name="triage", kind="classification",
                      spec=json.dumps({"labels": [{"name": x, "description": x} for x in LABELS]}),
                      system_prompt="Classify.", user_template="{input}", created_at=T0)
        other = m.Task(name="other", kind="generation", spec="{}", system_prompt="", user_template="{input}",
                       created_at=T0)
        s.add_all([task, other])
        s.flush()
        task_id, other_id = task.id, other.id
    rows = [{"task_id": task_id, "origin": "import", "input_text": f"ticket {i}: customer writes about "
             f"{'a parcel' if i % 5 == 0 else 'money'} " + "x" * (i % 50), "is_golden": i % 11 == 0,
             "is_ood": i % 13 == 0, "flagged": i % 7 == 0, "created_at": T0} for i in range(n)]
    with ws.unit() as s:
        s.execute(insert(m.Example), rows)
        s.execute(insert(m.Example), [{"task_id": other_id, "origin": "import", "input_text": "elsewhere",
                                       "created_at": T0}] * 50)
        ids = [i for (i,) in s.execute(m.Example.__table__.select().with_only_columns(m.Example.id)
                                       .where(m.Example.task_id == task_id).order_by(m.Example.id))]
        labels = []
        for i, ex_id in enumerate(ids):
            if i % 3 == 0:
                continue
            value = LABELS[i % 3]
            labels.append({"example_id": ex_id, "annotator": "tester", "value": value, "created_at": T0})
            if i % 10 == 0:
                other_value = LABELS[(i + 1) % 3] if i % 20 == 0 else value
                labels.append({"example_id": ex_id, "annotator": "alice", "value": other_value, "created_at": T0})
        s.execute(insert(m.Label), labels)
    return task_id


def expected(n: int = N) -> dict[str, int]:
    idx = range(n)
    return {
        "all": n,
        "unlabelled": sum(1 for i in idx if i % 3 == 0),
        "mine": sum(1 for i in idx if i % 3),
        "disagreements": sum(1 for i in idx if i % 3 and i % 20 == 0),
        "flagged": sum(1 for i in idx if i % 7 == 0),
        "golden": sum(1 for i in idx if i % 11 == 0),
        "ood": sum(1 for i in idx if i % 13 == 0),
    }


@pytest.fixture
def task(workspace: Any) -> int:
    return fill_task(workspace)


def test_counts_for_every_filter(workspace: Any, task: int) -> None:
    base = ExampleFilter(task, annotator="tester")
    for kind, n in expected().items():
        assert browse.count(workspace, base.with_(kind=kind)) == n, kind
    by_label = browse.count(workspace, base.with_(kind="label", label="complaint"))
    # tester gives complaint to i % 3 == 1; alice's disagreeing label is question or refund there
    assert by_label == sum(1 for i in range(N) if i % 3 == 1)
    assert browse.count(workspace, base.with_(kind="label", label="question")) == sum(
        1 for i in range(N) if i % 3 == 2 or (i % 3 == 1 and i % 20 == 0))
    assert browse.count(workspace, base.with_(kind="mine", annotator="alice")) == sum(
        1 for i in range(N) if i % 3 and i % 10 == 0)


def test_search_is_a_substring_and_escapes_wildcards(workspace: Any, task: int) -> None:
    base = ExampleFilter(task, annotator="tester")
    assert browse.count(workspace, base.with_(search="PARCEL")) == N // 5
    assert browse.count(workspace, base.with_(search="ticket 4999:")) == 1
    assert browse.count(workspace, base.with_(search="%")) == 0  # a literal percent sign, not "anything"
    assert browse.count(workspace, base.with_(kind="flagged", search="parcel")) == sum(
        1 for i in range(N) if i % 35 == 0)


def test_pages_are_in_id_order_and_carry_the_labels(workspace: Any, task: int) -> None:
    base = ExampleFilter(task, annotator="tester")
    first = browse.page(workspace, base, 0, 100)
    assert len(first) == 100
    ids = [r.id for r in first]
    assert ids == sorted(ids)
    row0, row1, row20 = first[0], first[1], first[20]
    assert row0.final_label is None and row0.n_labels == 0 and row0.my_label is None
    assert row0.flagged and row0.golden and row0.ood and row0.marks == "★ ⚑ ◇"
    assert row1.final_label == "complaint" and row1.my_label == "complaint" and row1.n_labels == 1
    assert row20.disagreement and row20.final_label is None and row20.n_labels == 2
    assert row20.labels == ("question", "refund")
    assert row1.excerpt.startswith("ticket 1: customer writes about money")

    # offset paging and keyset paging agree, and the pages tile the whole filter
    later = browse.page(workspace, base, 100, 100)
    assert [r.id for r in later] == [r.id for r in browse.page(workspace, base, after_id=ids[-1], limit=100)]
    assert later[0].id > ids[-1]
    tail = browse.page(workspace, base, N - 30, 100)
    assert len(tail) == 30
    assert browse.page(workspace, base, N, 100) == []


def test_filtered_pages_hold_only_matching_rows(workspace: Any, task: int) -> None:
    base = ExampleFilter(task, annotator="tester")
    rows = browse.page(workspace, base.with_(kind="disagreements"), 0, 1000)
    assert len(rows) == expected()["disagreements"] and all(r.disagreement for r in rows)
    assert all(r.n_labels == 0 for r in browse.page(workspace, base.with_(kind="unlabelled"), 0, 500))
    assert all(r.golden for r in browse.page(workspace, base.with_(kind="golden"), 0, 500))
    assert all("refund" in r.labels for r in browse.page(workspace, base.with_(kind="label", label="refund"),
                                                         0, 500))


def test_rows_by_id_and_position(workspace: Any, task: int) -> None:
    base = ExampleFilter(task, annotator="tester")
    rows = browse.page(workspace, base, 0, 10)
    target = rows[3]
    with workspace.unit() as s:
        s.execute(update(m.Example).where(m.Example.id == target.id).values(flagged=True, is_golden=True))
        s.execute(insert(m.Label), [{"example_id": target.id, "annotator": "tester", "value": "refund",
                                     "created_at": T0}])
    (fresh,) = browse.rows_by_id(workspace, [target.id], "tester")
    assert fresh.flagged and fresh.golden and fresh.my_label == "refund" and fresh.final_label == "refund"
    assert browse.rows_by_id(workspace, [], "tester") == []
    assert browse.position(workspace, base, target.id) == 3
    assert browse.position(workspace, base.with_(kind="unlabelled"), rows[9].id) == 2  # 0 and 6 (3 is labelled now)


def test_a_resolution_settles_a_disagreement(workspace: Any, task: int) -> None:
    base = ExampleFilter(task, annotator="tester", kind="disagreements")
    before = browse.count(workspace, base)
    assert before == len(workspace.tasks.disagreements(task))  # the engine's own list agrees
    first = browse.page(workspace, base, 0, 1)[0]
    workspace.tasks.resolve(first.id, "refund")
    assert browse.count(workspace, base) == before - 1
    (row,) = browse.rows_by_id(workspace, [first.id], "tester")
    assert row.final_label == "refund" and not row.disagreement and row.n_labels == 2


def test_assigned_to_me(workspace: Any, task: int) -> None:
    n = workspace.tasks.assign_double(task, 0.1, ["tester", "alice"], seed=3)
    mine = ExampleFilter(task, annotator="tester", kind="assigned")
    assert browse.count(workspace, mine) == n == N // 10
    assert [r.id for r in browse.page(workspace, mine, 0, N)] == workspace.tasks.assigned(task, "tester")


def test_unknown_filter_is_refused(workspace: Any, task: int) -> None:
    with pytest.raises(ValueError, match="unknown filter"):
        browse.count(workspace, ExampleFilter(task, kind="everything"))
