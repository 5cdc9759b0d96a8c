"""ws.tasks labelling API: validated labels of each task kind, undo, marks, double labelling,
agreement checked against hand-computed values, disagreements and their resolution."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from engine.errors import AirlockError
from engine.store.models import Assignment, AuditEvent, Example, Label
from engine.tasks.agreement import cohen_kappa, percent_agreement
from tests.engine.tasks_data import (
    add_examples,
    classification_task,
    extraction_task,
    generation_task,
)


def labels_of(ws: Any, example_id: int) -> dict[str, str]:
    with ws.reader() as s:
        return {lb.annotator: lb.value for lb in s.scalars(select(Label).where(Label.example_id == example_id))}


def actions(ws: Any) -> list[str]:
    with ws.reader() as s:
        return list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_classification_label_must_be_in_the_label_set(workspace: Any) -> None:
    task = classification_task(workspace)
    [ex] = add_examples(workspace, task.id, ["the breaker trips"])
    workspace.tasks.set_label(ex, "electrical")
    with pytest.raises(AirlockError, match="not in the task's label set"):
        workspace.tasks.set_label(ex, "pneumatic")
    assert labels_of(workspace, ex) == {"tester": "electrical"}
    assert workspace.tasks.validate_value(task.id, "pneumatic") == [
        "label 'pneumatic' is not in the task's label set (electrical, mechanical, hydraulic)"]
    assert workspace.tasks.validate_value(task.id, "hydraulic") == []


def test_extraction_value_is_checked_against_the_schema_and_stored_canonically(workspace: Any) -> None:
    task = extraction_task(workspace)
    [ex] = add_examples(workspace, task.id, ["press 4 stopped, severity high"])
    check = workspace.tasks.validate_value
    assert check(task.id, '{"machine": "press 4", "severity": "high"}') == []
    assert check(task.id, '{"machine": "press 4"') [0].startswith("not valid JSON")
    assert check(task.id, '["press"]') == ["the record must be a JSON object with the schema's fields"]
    assert check(task.id, '{"machine": "press 4"}') == ["'severity' is a required property"]
    assert check(task.id, '{"machine": "press", "severity": "medium"}') == [
        "severity: 'medium' is not one of ['low', 'high']"]
    assert check(task.id, '{"machine": "press", "severity": "low", "hours": "two"}') == [
        "hours: 'two' is not of type 'integer'"]
    with pytest.raises(AirlockError, match="required property"):
        workspace.tasks.set_label(ex, '{"machine": "press 4"}')
    workspace.tasks.set_label(ex, '{"severity": "high",  "machine": "press 4", "stopped": true}')
    stored = labels_of(workspace, ex)["tester"]
    assert stored == json.dumps({"machine": "press 4", "severity": "high", "stopped": True}, sort_keys=True)


def test_generation_answer_must_not_be_empty_nor_too_long(workspace: Any) -> None:
    task = generation_task(workspace, max_chars=20)
    [ex] = add_examples(workspace, task.id, ["a long report"])
    assert workspace.tasks.validate_value(task.id, "   ") == ["the answer is empty"]
    assert workspace.tasks.validate_value(task.id, "x" * 21) == [
        "the answer has 21 characters; the task allows at most 20"]
    workspace.tasks.set_label(ex, "Pump leaks.")
    assert labels_of(workspace, ex) == {"tester": "Pump leaks."}


@pytest.mark.parametrize(("kind", "spec", "message"), [
    ("classification", {"labels": []}, "at least one label"),
    ("classification", {"labels": [{"name": "a"}, {"name": "a"}]}, "repeated: a"),
    ("extraction", {"schema": {"type": "array"}}, "must have \"type\": \"object\""),
    ("extraction", {"schema": {"type": "object", "properties": {"x": {"type": "text"}}}}, "not valid JSON Schema"),
    ("extraction", {"schema": {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["y"]}},
     "required fields are not defined"),
    ("generation", {"max_chars": 0}, "positive whole number"),
    ("regression", {}, "unknown task kind"),
])
def test_task_spec_is_validated_at_creation(workspace: Any, kind: str, spec: dict[str, Any], message: str) -> None:
    with pytest.raises(AirlockError, match=message):
        workspace.tasks.create("t", kind, spec, "sys", "{input}")
    assert workspace.tasks.find("t") is None


def test_remove_label_undoes_and_is_audited(workspace: Any) -> None:
    task = classification_task(workspace)
    [ex] = add_examples(workspace, task.id, ["a bearing grinds"])
    workspace.tasks.set_label(ex, "mechanical")
    workspace.tasks.remove_label(ex)
    assert labels_of(workspace, ex) == {}
    workspace.tasks.remove_label(ex)  # nothing left to undo: no error, no event
    assert actions(workspace).count("label.removed") == 1


def test_marks_change_only_what_is_given_and_are_audited(workspace: Any) -> None:
    task = classification_task(workspace)
    [ex] = add_examples(workspace, task.id, ["odd report"])
    workspace.tasks.set_marks(ex, flagged=True, note="ask the line lead")
    workspace.tasks.set_marks(ex, golden=True)
    workspace.tasks.set_marks(ex, golden=True)  # unchanged: no event
    with workspace.reader() as s:
        row = s.get_one(Example, ex)
        assert (row.flagged, row.is_golden, row.is_ood, row.note) == (True, True, False, "ask the line lead")
    workspace.tasks.set_marks(ex, flagged=False, ood=True, note="")
    with workspace.reader() as s:
        row = s.get_one(Example, ex)
        assert (row.flagged, row.is_golden, row.is_ood, row.note) == (False, True, True, None)
    assert actions(workspace).count("example.marked") == 3


def test_unknown_example(workspace: Any) -> None:
    with pytest.raises(AirlockError, match="no example with id 99"):
        workspace.tasks.set_label(99, "x")
    with pytest.raises(AirlockError, match="no example with id 99"):
        workspace.tasks.set_marks(99, flagged=True)


def test_assign_double_gives_a_share_to_pairs_of_annotators(workspace: Any) -> None:
    task = classification_task(workspace)
    add_examples(workspace, task.id, [f"report {i}" for i in range(50)])
    assert workspace.tasks.assign_double(task.id, 0.2, ["anna", "ben", "carl"], seed=3) == 10
    with workspace.reader() as s:
        rows = s.execute(select(Assignment.example_id, Assignment.annotator)).all()
    per_example: dict[int, set[str]] = {}
    for ex_id, who in rows:
        per_example.setdefault(ex_id, set()).add(who)
    assert len(per_example) == 10 and all(len(w) == 2 for w in per_example.values())
    assert {frozenset(w) for w in per_example.values()} == {
        frozenset({"anna", "ben"}), frozenset({"anna", "carl"}), frozenset({"ben", "carl"})}
    assert workspace.tasks.assigned(task.id, "anna") == sorted(e for e, w in per_example.items() if "anna" in w)
    # planning again replaces the earlier assignments; the same seed picks the same examples
    assert workspace.tasks.assign_double(task.id, 0.2, ["anna", "ben", "carl"], seed=3) == 10
    with workspace.reader() as s:
        assert {e for e, in s.execute(select(Assignment.example_id))} == set(per_example)
    with pytest.raises(AirlockError, match="at least two different annotators"):
        workspace.tasks.assign_double(task.id, 0.2, ["anna", "anna"])
    with pytest.raises(AirlockError, match="between 0 and 1"):
        workspace.tasks.assign_double(task.id, 20, ["anna", "ben"])


def test_percent_agreement_and_kappa_against_hand_computation() -> None:
    # Two labels, 10 items. Agree on 1-5 (x) and 7-9 (y); item 6 x/y, item 10 y/x.
    # p_o = 8/10 = 0.8. Each annotator: x 6 times, y 4 times.
    # p_e = (6*6 + 4*4) / 10^2 = 52/100 = 0.52.  kappa = (0.8 - 0.52) / (1 - 0.52) = 0.28/0.48 = 0.583333...
    a = list("xxxxxxyyyy")
    b = list("xxxxxyyyyx")
    assert percent_agreement(a, b) == pytest.approx(0.8)
    assert cohen_kappa(a, b) == pytest.approx(0.28 / 0.48)
    # Three labels, 8 items: a = e e e m m h h h, b = e e m m m h h e.
    # Agree on items 1,2,4,5,6,7: p_o = 6/8 = 0.75.
    # a: e3 m2 h3; b: e3 m3 h2. p_e = (3*3 + 2*3 + 3*2) / 64 = 21/64.
    # kappa = (48/64 - 21/64) / (64/64 - 21/64) = 27/43 = 0.627907...
    a3 = ["e", "e", "e", "m", "m", "h", "h", "h"]
    b3 = ["e", "e", "m", "m", "m", "h", "h", "e"]
    assert percent_agreement(a3, b3) == pytest.approx(0.75)
    assert cohen_kappa(a3, b3) == pytest.approx(27 / 43)
    # Both always give the same single value: chance agreement is certain; kappa is defined as 1.
    assert cohen_kappa(["x", "x"], ["x", "x"]) == 1.0
    with pytest.raises(ValueError):
        percent_agreement(["x"], [])


def test_agreement_report_per_pair_per_label_and_overall(workspace: Any) -> None:
    task = classification_task(workspace)
    ids = add_examples(workspace, task.id, [f"report {i}" for i in range(8)])
    anna = ["electrical"] * 3 + ["mechanical"] * 2 + ["hydraulic"] * 3
    ben = ["electrical"] * 2 + ["mechanical"] * 3 + ["hydraulic"] * 2 + ["electrical"]
    for ex, a, b in zip(ids, anna, ben, strict=True):
        workspace.tasks.set_label(ex, a, annotator="anna")
        workspace.tasks.set_label(ex, b, annotator="ben")
    [extra] = add_examples(workspace, task.id, ["single"])
    workspace.tasks.set_label(extra, "hydraulic", annotator="anna")  # one annotator: not double-labelled
    report = workspace.tasks.agreement(task.id)
    assert report.n_double_labelled == 8
    [pair] = report.pairs
    assert (pair.annotator_a, pair.annotator_b, pair.n_items) == ("anna", "ben", 8)
    assert pair.percent_agreement == pytest.approx(0.75)  # same data as the 3-label hand computation
    assert pair.cohen_kappa == pytest.approx(27 / 43)
    assert report.percent_agreement == pytest.approx(0.75) and not report.meets_bar
    electrical = next(lb for lb in report.labels if lb.label == "electrical")
    # one-vs-rest for electrical: anna yes on 1-3, ben yes on 1,2,8. Agree on 1,2 (yes) and 4,5,6,7 (no):
    # p_o = 6/8; each says yes 3 times, no 5: p_e = (3*3 + 5*5)/64 = 34/64; kappa = (48-34)/(64-34) = 14/30
    assert electrical.n_items == 4
    assert electrical.percent_agreement == pytest.approx(0.75)
    assert electrical.cohen_kappa == pytest.approx(14 / 30)


def test_disagreements_go_to_resolution(workspace: Any) -> None:
    task = classification_task(workspace)
    a, b, c = add_examples(workspace, task.id, ["one", "two", "three"])
    for ex, (x, y) in zip((a, b, c), [("electrical", "mechanical"), ("hydraulic", "hydraulic"),
                                      ("mechanical", "hydraulic")], strict=True):
        workspace.tasks.set_label(ex, x, annotator="anna")
        workspace.tasks.set_label(ex, y, annotator="ben")
    assert workspace.tasks.disagreements(task.id) == [a, c]
    with pytest.raises(AirlockError, match="not in the task's label set"):
        workspace.tasks.resolve(a, "pneumatic")
    workspace.tasks.resolve(a, "mechanical")
    assert workspace.tasks.disagreements(task.id) == [c]
    assert labels_of(workspace, a)["resolution:tester"] == "mechanical"
    workspace.tasks.resolve(a, "electrical")  # a second resolution replaces the first
    assert [k for k in labels_of(workspace, a) if k.startswith("resolution:")] == ["resolution:tester"]
    assert workspace.tasks.final_labels(task.id) == {a: "electrical", b: "hydraulic"}
    # a resolution is not an opinion: it does not change agreement
    assert workspace.tasks.agreement(task.id).percent_agreement == pytest.approx(1 / 3)
    assert "label.resolved" in actions(workspace)


def test_three_annotators_give_three_pairs_against_hand_computation() -> None:
    from engine.tasks.agreement import agreement_report

    by_example = {1: {"anna": "x", "ben": "x", "cara": "x"}, 2: {"anna": "x", "ben": "y", "cara": "x"},
                  3: {"anna": "y", "ben": "y", "cara": "y"}, 4: {"anna": "y", "ben": "y"},
                  5: {"anna": "x", "cara": "y"},
                  6: {"anna": "x", "resolution:lead": "y"}}  # a resolution is not a second opinion
    report = agreement_report(1, by_example)
    assert report.n_double_labelled == 5
    # anna/ben on 1-4: x x y y vs x y y y. p_o 3/4; anna x2 y2, ben x1 y3: p_e (2*1 + 2*3)/16 = 1/2; kappa 1/2
    # anna/cara on 1,2,3,5: x x y x vs x x y y. p_o 3/4; anna x3 y1, cara x2 y2: p_e (6 + 2)/16 = 1/2; kappa 1/2
    # ben/cara on 1-3: x y y vs x x y. p_o 2/3; ben x1 y2, cara x2 y1: p_e 4/9; kappa (2/9)/(5/9) = 2/5
    assert [(p.annotator_a, p.annotator_b, p.n_items) for p in report.pairs] == [
        ("anna", "ben", 4), ("anna", "cara", 4), ("ben", "cara", 3)]
    assert [p.percent_agreement for p in report.pairs] == pytest.approx([3 / 4, 3 / 4, 2 / 3])
    assert [p.cohen_kappa for p in report.pairs] == pytest.approx([1 / 2, 1 / 2, 2 / 5])
    # overall, the 11 pairs of answers: 8 agree. First answers x6 y5, second x5 y6:
    # p_e = (6*5 + 5*6)/121 = 60/121; kappa = (88 - 60)/(121 - 60) = 28/61
    assert report.percent_agreement == pytest.approx(8 / 11) and report.cohen_kappa == pytest.approx(28 / 61)
    assert not report.meets_bar
    # with two labels, "x or not" is the same question as the whole task; 7 pairs involve each label
    assert [(lb.label, lb.n_items) for lb in report.labels] == [("x", 7), ("y", 7)]
    assert [lb.cohen_kappa for lb in report.labels] == pytest.approx([28 / 61, 28 / 61])
