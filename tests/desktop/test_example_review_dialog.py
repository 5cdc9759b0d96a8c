"""The example import review dialog (issue 17): summary first, decisions one by one and by type, a
missed span marked, finish enabled only when nothing is pending; a screenshot is saved to look at."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop.labelling.example_review_dialog import ExampleReviewDialog
from desktop.qt import Qt
from engine.privacy.errors import InvalidDecision
from tests.engine.test_example_review import ROWS, booking_task, stored, write_rows


def test_review_steps_undo_and_redo_through_the_engine(workspace: Any, qtbot: Any, tmp_path: Path) -> None:
    task = booking_task(workspace)
    report = workspace.tasks.import_examples(task.id, write_rows(tmp_path / "b.jsonl", ROWS))
    reviews = workspace.tasks.example_reviews
    dialog = ExampleReviewDialog(workspace, report.review_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # the keys are the window's shortcuts
    assert not dialog.undo_button.isEnabled() and not dialog.redo_button.isEnabled()

    def decisions() -> dict[int, str]:
        return {f.id: f.decision for item in reviews.items(report.review_id) for f in item.findings}

    start = decisions()
    dialog.table.selectRow(0)
    first = dialog.selected_finding()
    assert first is not None
    dialog.decide_selected("rejected")
    assert decisions()[first.id] == "rejected" and dialog.undo_button.toolTip().startswith("Undo rejected")
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert decisions() == start and dialog.redo_button.isEnabled()
    dialog.redo_button.click()
    assert decisions()[first.id] == "rejected"

    # bulk by type: undo puts back exactly the pending ones; a finding decided before stays decided
    kind_of = {f.id: f.entity_type for it in dialog.items for f in it.findings}
    kind = kind_of[first.id]
    bulk = [i for i, d in start.items() if d == "pending" and kind_of[i] == kind and i != first.id]
    if not bulk:  # no second finding of the first one's type: bulk-accept another type
        kind = next(k for i, k in kind_of.items() if i != first.id)
        bulk = [i for i, k in kind_of.items() if k == kind]
    dialog.choose_type(kind)
    dialog.decide_type("accepted")
    assert dialog.type_choice.currentData() == kind  # the chosen type stays chosen after the step
    after = decisions()
    assert after[first.id] == "rejected" and bulk and all(after[i] == "accepted" for i in bulk)
    dialog.undo_button.click()
    assert decisions() == {**start, first.id: "rejected"}
    dialog.redo_button.click()
    assert decisions() == after

    # a marked span: undo removes it from the store, redo marks it again
    text = dialog.current_item().input_text
    at = text.index("10:30 am")
    dialog.mark("input", at, at + 8, "BOOKING_TIME")
    marked = [f for f in dialog.current_item().findings if f.entity_type == "BOOKING_TIME"]
    assert len(marked) == 1 and marked[0].source == "manual"
    dialog.undo_button.click()
    assert not any(f.entity_type == "BOOKING_TIME" for f in dialog.current_item().findings)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [f.entity_type for f in dialog.current_item().findings].count("BOOKING_TIME") == 1
    actions = [e.action for e in workspace.audit.entries(newest_first=False) if e.action.startswith("examples.review")]
    assert actions.count("examples.review_reopened") == 2 and actions.count("examples.review_span_removed") == 1

    # a detector's finding cannot be removed as if it were marked: the engine refuses and nothing changes
    with pytest.raises(InvalidDecision, match="reject it instead"):
        reviews.remove_span(first.id)
    assert first.id in decisions()


def test_review_dialog_decides_marks_and_finishes(workspace: Any, qtbot: Any, tmp_path: Path,
                                                  artifacts_dir: Path) -> None:
    task = booking_task(workspace)
    rows = [*ROWS, ("Please call Zsófia Kertész on +36 30 123 4567 about the 2 bikes.",
                    {"first_name": "Zsófia", "last_name": "Kertész", "date": "", "people": "2"})]
    report = workspace.tasks.import_examples(task.id, write_rows(tmp_path / "b.jsonl", rows))
    dialog = ExampleReviewDialog(workspace, report.review_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Nothing has been changed yet" in dialog.summary.text() and "2 rows of b.jsonl" in dialog.summary.text()
    assert dialog.rows.count() == 2 and not dialog.finish_button.isEnabled()
    assert dialog.input_view.toPlainText() == rows[0][0]
    assert any("Quigley" in t for t in dialog.input_view.highlighted_text())
    dialog.table.selectRow(0)
    first = dialog.selected_finding()
    dialog.decide_selected("rejected")
    assert next(f for f in dialog.current_item().findings if f.id == first.id).decision == "rejected"
    start = rows[0][0].index("10:30 am")
    dialog.mark("input", start, start + len("10:30 am"), "BOOKING_TIME")
    assert any(f.entity_type == "BOOKING_TIME" for f in dialog.current_item().findings)
    dialog.rows.setCurrentRow(1)  # the detector missed this name: the reviewer marks it (once, in the input)
    name = rows[-1][0].index("Zsófia Kertész")
    if not any(f.entity_type == "PERSON" and f.field == "input" for f in dialog.current_item().findings):
        dialog.mark("input", name, name + len("Zsófia Kertész"), "PERSON")
    dialog.rows.setCurrentRow(0)
    screens = artifacts_dir / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(screens / "example_review.png"))
    for entity in list(workspace.tasks.example_reviews.summary(report.review_id).by_type):
        dialog.choose_type(entity)
        dialog.decide_type("accepted")
    assert dialog.finish_button.isEnabled()
    dialog.finish_button.click()
    assert dialog.finished_report is not None and len(dialog.finished_report.created) == 2
    texts = " ".join(t + str(a) for t, a in stored(workspace, task.id))
    assert "Kertész" not in texts and "Zsófia" not in texts and "+36 30" not in texts
    assert all(p in texts for p in json.loads(stored(workspace, task.id)[-1][1] or "{}").values() if p.startswith("<"))
