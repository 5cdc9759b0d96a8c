"""The labelling page on a real workspace: keys label and move, undo, marks, the three editors,
filters, lazy loading, agreement and the resolution queue; screenshots of each mode."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from desktop.qt import Qt
from engine.store import models as m
from engine.tasks import browse
from tests.engine.test_browse import LABELS, T0, N, expected, fill_task

INVOICE_SCHEMA = {"type": "object", "required": ["vendor", "total", "currency"],
                  "properties": {"vendor": {"type": "string", "minLength": 2, "description": "who issued it"},
                                 "total": {"type": "number", "minimum": 0},
                                 "currency": {"enum": ["EUR", "USD"]},
                                 "lines": {"type": "integer", "minimum": 1},
                                 "paid": {"type": "boolean", "description": "already paid"}}}


@pytest.fixture
def ws(workspace: Any) -> Any:
    """triage: 5,000 classification examples (see fill_task); other: 50 generation examples;
    invoices: 3 extraction examples."""
    fill_task(workspace)
    task = workspace.tasks.create("invoices", "extraction", {"schema": INVOICE_SCHEMA}, "Extract.", "{input}")
    with workspace.unit() as s:
        s.execute(insert(m.Example), [{"task_id": task.id, "origin": "import", "created_at": T0,
                                       "input_text": f"INVOICE {i} from Acme GmbH, total EUR {i}00.00"}
                                      for i in range(1, 4)])
    return workspace


@pytest.fixture
def page(qtbot: Any, styled_app: Any, ws: Any) -> Iterator[Any]:
    from desktop.jobs import JobRunner
    from desktop.labelling.page import LabellingPage

    runner = JobRunner()
    page = LabellingPage(runner)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.set_workspace(ws)
    yield page
    runner.shutdown(5)


def choose_task(page: Any, name: str) -> None:
    page.task_picker.setCurrentIndex(page.task_picker.findData(page.ws.tasks.find(name).id))
    page.table.setFocus()


def key(qtbot: Any, page: Any, k: Any, modifier: Any = Qt.KeyboardModifier.NoModifier) -> None:
    target = page.focusWidget() or page.table
    qtbot.keyClick(target, k, modifier)


def my_label(ws: Any, example_id: int) -> str | None:
    (row,) = ws.tasks.examples_by_id([example_id], "tester")
    return row.my_label


def save(page: Any, qtbot: Any, artifacts_dir: Path, name: str) -> None:
    qtbot.wait(30)
    screens = artifacts_dir / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    assert page.grab().save(str(screens / f"{name}.png"))


def test_number_keys_label_and_enter_moves_on(page: Any, qtbot: Any, ws: Any, artifacts_dir: Path) -> None:
    choose_task(page, "triage")
    assert page.task_picker.isVisible() and page.task_picker.count() == 3
    first = page.current_example_id()
    assert page.current_row() == 0 and my_label(ws, first) is None
    key(qtbot, page, Qt.Key.Key_2)
    assert page.panel.editor.value() == LABELS[1]
    key(qtbot, page, Qt.Key.Key_Return)
    assert my_label(ws, first) == LABELS[1]
    assert page.current_row() == 1
    qtbot.waitUntil(lambda: page.model.row(0).my_label == LABELS[1])  # the list row is re-read in place
    key(qtbot, page, Qt.Key.Key_J)
    assert page.current_row() == 2
    key(qtbot, page, Qt.Key.Key_K)
    assert page.current_row() == 1
    key(qtbot, page, Qt.Key.Key_Down)
    assert page.current_row() == 2
    key(qtbot, page, Qt.Key.Key_Up)
    assert page.current_row() == 1
    labels_before = len(ws.tasks.example_detail(page.current_example_id()).labels)
    key(qtbot, page, Qt.Key.Key_2)
    key(qtbot, page, Qt.Key.Key_S)  # skipping stores nothing, even with a label picked
    assert page.current_row() == 2 and len(ws.tasks.example_detail(page.model.row(1).id).labels) == labels_before
    assert my_label(ws, page.model.row(1).id) == LABELS[1]
    assert "1–9" in page.panel.keys.text() and "Ctrl+Z" in page.panel.keys.text()  # the keys are on screen
    save(page, qtbot, artifacts_dir, "labelling-classification")


def test_ctrl_z_undoes_labels_and_marks(page: Any, qtbot: Any, ws: Any) -> None:
    choose_task(page, "triage")
    second = page.model.row(1)
    assert second.my_label == LABELS[1]
    page.go(1)
    key(qtbot, page, Qt.Key.Key_3)
    key(qtbot, page, Qt.Key.Key_Return)
    assert my_label(ws, second.id) == LABELS[2] and page.current_row() == 2
    key(qtbot, page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert my_label(ws, second.id) == LABELS[1]  # the earlier label is back
    assert page.current_row() == 1  # and the page went back to it

    page.go(0)
    first = page.current_example_id()
    key(qtbot, page, Qt.Key.Key_1)
    key(qtbot, page, Qt.Key.Key_Return)
    key(qtbot, page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert my_label(ws, first) is None  # a first label is taken back entirely

    page.go(1)
    row = page.model.row(1)
    assert not (row.flagged or row.golden or row.ood)
    key(qtbot, page, Qt.Key.Key_F)
    key(qtbot, page, Qt.Key.Key_G)
    key(qtbot, page, Qt.Key.Key_O)
    (stored,) = ws.tasks.examples_by_id([row.id], "tester")
    assert stored.flagged and stored.golden and stored.ood
    assert all(b.isChecked() for b in page.panel.mark_buttons.values())
    assert page.model.row(1).marks == "★ ⚑ ◇"
    key(qtbot, page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    (stored,) = ws.tasks.examples_by_id([row.id], "tester")
    assert stored.flagged and stored.golden and not stored.ood
    key(qtbot, page, Qt.Key.Key_G)
    (stored,) = ws.tasks.examples_by_id([row.id], "tester")
    assert not stored.golden  # G toggles
    actions = [e.action for e in ws.audit.entries(limit=100)]
    assert actions.count("example.marked") == 5 and "label.removed" in actions


def test_ctrl_shift_z_redoes_a_label_and_a_mark_through_the_engine(page: Any, qtbot: Any, ws: Any,
                                                                     artifacts_dir: Path) -> None:
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    choose_task(page, "triage")
    page.go(3)
    example = page.current_example_id()
    assert my_label(ws, example) is None and not page.panel.redo_button.isEnabled()
    key(qtbot, page, Qt.Key.Key_3)
    key(qtbot, page, Qt.Key.Key_Return)
    assert my_label(ws, example) == LABELS[2] and page.current_row() == 4
    assert page.panel.undo_button.toolTip() == f"Undo label #{example} (Ctrl+Z)"
    key(qtbot, page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert my_label(ws, example) is None and page.current_example_id() == example
    assert page.panel.redo_button.isEnabled()
    assert page.panel.redo_button.toolTip() == f"Redo label #{example} (Ctrl+Shift+Z)"
    save(page, qtbot, artifacts_dir, "labelling-undo-redo")
    page.go(7)
    key(qtbot, page, Qt.Key.Key_Z, shift_ctrl)
    assert my_label(ws, example) == LABELS[2]  # stored again
    assert page.current_example_id() == example  # and the page went back to it
    assert page.model.row(3).my_label == LABELS[2]
    audit = ws.audit.entries(action="label.", subject=f"example:{example}", newest_first=False)
    assert [(e.action, e.details.get("new")) for e in audit] == [
        ("label.set", LABELS[2]), ("label.removed", None), ("label.set", LABELS[2])]

    key(qtbot, page, Qt.Key.Key_F)  # a mark: undo, redo with Ctrl+Y
    (stored,) = ws.tasks.examples_by_id([example], "tester")
    assert stored.flagged
    key(qtbot, page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    (stored,) = ws.tasks.examples_by_id([example], "tester")
    assert not stored.flagged
    key(qtbot, page, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    (stored,) = ws.tasks.examples_by_id([example], "tester")
    assert stored.flagged and page.panel.mark_buttons["flagged"].isChecked()
    marked = ws.audit.entries(action="example.marked", subject=f"example:{example}", newest_first=False)
    assert [e.details["flagged"] for e in marked] == [True, False, True]

    key(qtbot, page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # unflag again, then a new step
    key(qtbot, page, Qt.Key.Key_G)
    assert not page.panel.redo_button.isEnabled()
    key(qtbot, page, Qt.Key.Key_Z, shift_ctrl)  # nothing to redo: the unflag stays
    (stored,) = ws.tasks.examples_by_id([example], "tester")
    assert not stored.flagged and stored.golden
    assert page.banner.text() == "Nothing to redo."


def test_n_writes_a_note_that_enter_saves_and_ctrl_z_takes_back(page: Any, qtbot: Any, ws: Any) -> None:
    choose_task(page, "triage")
    example = page.current_example_id()
    key(qtbot, page, Qt.Key.Key_N)
    assert page.panel.note_edit.hasFocus()
    qtbot.keyClicks(page.panel.note_edit, "ask legal about this one")
    key(qtbot, page, Qt.Key.Key_Return)  # saves the note, does not accept a label
    assert ws.tasks.example_detail(example).note == "ask legal about this one"
    assert page.current_example_id() == example and page.table.hasFocus()
    key(qtbot, page, Qt.Key.Key_J)
    key(qtbot, page, Qt.Key.Key_N)
    qtbot.keyClicks(page.panel.note_edit, "second")
    key(qtbot, page, Qt.Key.Key_Down)  # moving on keeps what was typed
    assert ws.tasks.example_detail(page.model.row(1).id).note == "second"
    page.go(0)
    assert page.panel.note_edit.text() == "ask legal about this one"
    page.undo()
    page.undo()
    assert ws.tasks.example_detail(example).note is None


def test_extraction_form_blocks_an_invalid_record(page: Any, qtbot: Any, ws: Any, artifacts_dir: Path) -> None:
    choose_task(page, "invoices")
    form = page.panel.editors["extraction"]
    assert list(form.fields) == ["vendor", "total", "currency", "lines", "paid"]
    example = page.current_example_id()
    vendor = form.fields["vendor"].widget
    vendor.setFocus()
    qtbot.keyClicks(vendor, "A")  # too short, and currency not chosen yet
    assert not page.panel.accept_button.isEnabled()
    problems = page.panel.problems.text()
    assert "'A' is too short" in problems and "currency" in problems
    key(qtbot, page, Qt.Key.Key_Return)
    assert my_label(ws, example) is None and page.current_example_id() == example  # Enter refused it

    qtbot.keyClicks(vendor, "cme GmbH")  # letters typed into a field are text, not shortcuts
    assert vendor.text() == "Acme GmbH" and page.current_example_id() == example
    form.fields["total"].widget.setValue(100.0)
    form.fields["currency"].widget.setCurrentIndex(form.fields["currency"].widget.findData("EUR"))
    assert page.panel.accept_button.isEnabled() and page.panel.problems.text().startswith("✓")
    save(page, qtbot, artifacts_dir, "labelling-extraction")
    vendor.setFocus()
    key(qtbot, page, Qt.Key.Key_Return)
    stored = my_label(ws, example)
    assert stored is not None and json.loads(stored) == {"vendor": "Acme GmbH", "total": 100.0, "currency": "EUR",
                                                         "paid": False}
    assert page.current_row() == 1

    page.go(2)
    form.fields["vendor"].widget.setText("Half-typed")
    page.refresh()  # what every finished job does to the visible page
    assert page.current_row() == 2 and form.fields["vendor"].widget.text() == "Half-typed"

    page.go(0)  # the stored record comes back into the form
    assert form.fields["vendor"].widget.text() == "Acme GmbH"
    assert form.fields["lines"].widget.text() == "—"  # optional number not given


def test_generation_editor(page: Any, qtbot: Any, ws: Any, artifacts_dir: Path) -> None:
    choose_task(page, "other")
    example = page.current_example_id()
    editor = page.panel.editors["generation"].text
    assert "Ctrl+Enter" in page.panel.keys.text() and "<b>Enter</b>" not in page.panel.keys.text()
    editor.setFocus()
    qtbot.keyClicks(editor, "Thanks for writing")
    key(qtbot, page, Qt.Key.Key_Return)  # a new line, not an accept
    qtbot.keyClicks(editor, "We will refund you.")
    assert my_label(ws, example) is None and page.current_example_id() == example
    save(page, qtbot, artifacts_dir, "labelling-generation")
    key(qtbot, page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert my_label(ws, example) == "Thanks for writing\nWe will refund you."
    assert page.current_row() == 1 and editor.hasFocus() and editor.toPlainText() == ""


def test_filters_and_search_change_the_list(page: Any, qtbot: Any, ws: Any) -> None:
    choose_task(page, "triage")
    counts = {}
    for kind in expected():
        page.filter_box.setCurrentIndex(page.filter_box.findData(kind))
        counts[kind] = page.model.total
        assert page.model.rowCount() == min(page.model.total, page.model.page_size)
        assert f"{page.model.total:,} examples" in page.count_label.text()
    assert counts == expected()
    page.filter_box.setCurrentIndex(page.filter_box.findData("golden"))
    assert all(page.model.row(i).golden for i in range(page.model.rowCount()))

    page.filter_box.setCurrentIndex(page.filter_box.findData("label"))
    assert page.label_box.isVisible() and page.label_box.count() == len(LABELS)
    page.label_box.setCurrentIndex(page.label_box.findData("complaint"))
    assert all("complaint" in page.model.row(i).labels for i in range(page.model.rowCount()))

    page.filter_box.setCurrentIndex(page.filter_box.findData("all"))
    qtbot.keyClicks(page.search, "ticket 4321:")
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=2000)
    assert page.panel.input_view.toPlainText().startswith("ticket 4321:")
    found = page.current_example_id()
    page.search.setFocus()
    qtbot.keyClicks(page.search, " ")
    key(qtbot, page, Qt.Key.Key_Return)  # Enter in the search box searches; it labels nothing
    assert page.table.hasFocus() and page.current_example_id() == found
    assert len(ws.tasks.example_detail(found).labels) == 1


def test_every_engine_filter_has_a_name_on_screen() -> None:
    from desktop.labelling.list_model import FILTER_NAMES

    assert tuple(FILTER_NAMES) == browse.FILTERS


def test_the_list_loads_lazily(page: Any, qtbot: Any, ws: Any) -> None:
    choose_task(page, "triage")
    qtbot.wait(50)
    assert page.model.total == N
    loaded = page.model.rowCount()
    assert 0 < loaded <= 2 * page.model.page_size  # not 5,000 rows
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() > loaded, timeout=2000)  # the view asked for more
    more = page.model.rowCount()
    page.model.fetchMore()
    assert page.model.rowCount() == more + page.model.page_size
    assert page.go(N - 1) and page.model.rowCount() == N  # moving to the end loads what it needs
    assert page.panel.title.text() == f"Example #{page.model.row(N - 1).id}"
    assert not page.model.canFetchMore()

    page.go(2345)
    page.filter_box.setCurrentIndex(page.filter_box.findData("unlabelled"))
    page.go(1500)
    place = page.current_example_id()
    key(qtbot, page, Qt.Key.Key_1)
    key(qtbot, page, Qt.Key.Key_Return)  # labelled: no longer "unlabelled"
    page.refresh()  # a re-read keeps the place in the list, far below the first page
    assert page.current_row() == 1500 and page.current_example_id() > place
    assert page.model.rowCount() < N


def test_agreement_and_the_resolution_queue(page: Any, qtbot: Any, ws: Any, artifacts_dir: Path) -> None:
    choose_task(page, "triage")
    task = ws.tasks.find("triage")
    page.tabs.setCurrentWidget(page.agreement)
    report = ws.tasks.agreement(task.id)
    assert page.agreement.overall.text() == f"{report.percent_agreement * 100:.1f}%"
    assert [b.name for b in page.agreement.pairs.bars] == ["alice × tester"]
    assert page.agreement.pairs.target == 0.9 and len(page.agreement.labels.bars) == len(LABELS)
    assert "below the 90% bar" in page.agreement.verdict.text()
    n_open = expected()["disagreements"]
    assert page.agreement.disagreements.text() == f"{n_open} unresolved disagreements"
    save(page, qtbot, artifacts_dir, "labelling-agreement")

    page.agreement.queue_button.click()
    assert page.tabs.currentWidget() is page.panel and page.filter_box.currentData() == "disagreements"
    first = page.current_example_id()
    assert page.panel.accept_button.text().startswith("Resolve") and page.panel.editor.value() is None
    key(qtbot, page, Qt.Key.Key_1)
    key(qtbot, page, Qt.Key.Key_Return)
    assert ws.tasks.final_labels(task.id)[first] == LABELS[0]
    assert len(ws.tasks.disagreements(task.id)) == n_open - 1
    assert page.current_row() == 1
    qtbot.waitUntil(lambda: not page.model.row(0).disagreement)
    key(qtbot, page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # a resolution can be taken back
    assert first not in ws.tasks.final_labels(task.id) and len(ws.tasks.disagreements(task.id)) == n_open
    assert page.current_row() == 0 and page.model.row(0).disagreement


def test_examples_keep_their_detail(page: Any, ws: Any) -> None:
    choose_task(page, "triage")
    page.go(20)  # i == 20: tester and alice disagree
    detail = ws.tasks.example_detail(page.current_example_id())
    assert detail is not None and "disagree" in page.panel.given.text()
    assert page.panel.input_view.toPlainText() == detail.input_text


def test_a_workspace_without_tasks_says_what_to_do(qtbot: Any, styled_app: Any, workspace: Any) -> None:
    from desktop.jobs import JobRunner
    from desktop.labelling.page import LabellingPage

    page = LabellingPage(JobRunner())
    qtbot.addWidget(page)
    page.show()
    page.set_workspace(workspace)
    assert "No tasks yet" in page.count_label.text() and page.model.rowCount() == 0
    assert not page.task_picker.isVisible() and not page.panel.accept_button.isEnabled()
    assert page.adder.new_task_button.isEnabled() and not page.adder.import_button.isEnabled()
    assert not page.adder.from_documents_button.isEnabled()  # examples need a task first
    for k in (Qt.Key.Key_1, Qt.Key.Key_Return, Qt.Key.Key_J, Qt.Key.Key_F):  # keys do nothing, and do not fail
        qtbot.keyClick(page.table, k)
    page.undo()
    assert page.banner.text() == "Nothing to undo."


def test_examples_from_documents_are_previewed_before_they_are_created(page: Any, qtbot: Any, ws: Any,
                                                                       artifacts_dir: Path) -> None:
    from desktop.labelling.chunk_dialog import ChunkDialog
    from tests.engine.tasks_data import add_cleared_document

    report = "\n\n".join(f"Paragraph {i}: the press on line {i} stopped and oil was found under the pump "
                         f"after the {i}th start of the shift." for i in range(1, 5))
    add_cleared_document(ws, "shift-report.txt", report, label="complaint")
    add_cleared_document(ws, "memo.txt", "A short memo about the canteen.", label="question")
    choose_task(page, "triage")
    before = ws.tasks.count_examples(page.current_filter())
    with ws.reader() as s:
        last_id = s.scalar(select(func.max(m.Example.id)))
    dialog = ChunkDialog(ws, "triage", page.runner, page)
    qtbot.addWidget(dialog)
    dialog.show()

    def previewed() -> None:  # the preview is a job
        qtbot.waitUntil(lambda: dialog.preview_job is None, timeout=20_000)

    previewed()
    assert dialog.summary.text() == "5 examples from 2 documents"  # by paragraph: 4 + 1
    dialog.mode.setCurrentIndex(dialog.mode.findData("size"))
    dialog.piece_size.setValue(120)
    dialog.overlap.setValue(30)
    dialog.refresh_preview()
    previewed()
    expected_pieces = ws.tasks.preview_chunks(dialog.chosen_documents(), "size", 120, 30)
    assert [(p.source_name, p.text) for p in dialog.table.rows()] == [(p.source_name, p.text)
                                                                     for p in expected_pieces]
    first, second = [p.text for p in expected_pieces if p.source_name == "shift-report.txt"][:2]
    assert len(first) <= 120 and first[-10:] in second  # the overlap is visible in the preview
    assert dialog.piece_text.toPlainText() == expected_pieces[0].text  # the selected piece, whole
    dialog.overlap.setValue(200)  # not less than the size: refused, nothing can be created
    dialog.refresh_preview()
    assert "overlap must be between 0 and 119" in dialog.summary.text()
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    dialog.overlap.setValue(30)
    dialog.documents.item([dialog.documents.item(i).text() for i in range(2)].index("memo.txt")).setCheckState(
        Qt.CheckState.Unchecked)
    dialog.label_from_source.setChecked(True)
    dialog.refresh_preview()
    previewed()
    assert len(dialog.pieces) == len(expected_pieces) - 1
    assert dialog.summary.text() == f"{len(dialog.pieces)} examples from 1 document"
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert ok.isEnabled() and ok.text() == f"Create {len(dialog.pieces)} examples"
    dialog.resize(980, 620)
    qtbot.wait(30)
    (artifacts_dir / "screens").mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(artifacts_dir / "screens" / "labelling-chunk-preview.png"))

    page.adder.from_documents(dialog.request())
    qtbot.waitUntil(lambda: page.adder.job is None, timeout=20_000)
    assert ws.tasks.count_examples(page.current_filter()) == before + len(dialog.pieces)
    assert page.banner.text() == f"Added {len(dialog.pieces)} examples from 1 document."
    flt = page.current_filter().with_(kind="label", label="complaint")
    created = [ws.tasks.example_detail(r.id) for r in ws.tasks.example_page(flt, after_id=last_id)]
    assert [d.input_text for d in created if d] == [p.text for p in dialog.pieces]  # labelled from the source


@pytest.mark.slow
def test_an_import_keeps_good_rows_and_lists_the_rejected(page: Any, qtbot: Any, ws: Any, tmp_path: Path) -> None:
    """Slow only in a fresh process: the import redacts every row, and loading presidio/spaCy takes ~30 s once."""
    choose_task(page, "triage")
    assert [a.text() for a in page.adder.import_button.menu().actions()] == [
        "Example file (JSONL, JSON, CSV)…", "Hugging Face datasets folder…"]
    path = tmp_path / "tickets.csv"
    path.write_text("text,label\nThe parcel never arrived,complaint\nWhere is my invoice?,question\n"
                    "Please pay me back,reimburse\n,refund\n")
    before = ws.tasks.count_examples(page.current_filter())
    page.adder.import_file(path)
    qtbot.waitUntil(lambda: page.adder.job is None, timeout=120_000)
    assert ws.tasks.count_examples(page.current_filter()) == before + 2
    assert "Imported 2 examples from tickets.csv" in page.banner.text() and "2 rows rejected" in page.banner.text()
    box = page.adder.rejections_box
    assert box.detailedText().splitlines() == [
        "line 4: label 'reimburse' is not in the task's label set (refund, complaint, question)",
        "line 5: empty content: column 'text' is empty"]
    box.close()


@pytest.mark.slow
def test_a_csv_with_other_column_names_asks_which_hold_the_text_and_the_answer(
        page: Any, qtbot: Any, ws: Any, tmp_path: Path, artifacts_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Slow for the same reason as the import above (presidio redacts every row)."""
    from desktop.labelling import add_examples
    from desktop.labelling.columns_dialog import NO_ANSWER, ColumnsDialog
    from desktop.qt import QDialogButtonBox, QTimer
    from engine.errors import InputFileError

    choose_task(page, "triage")
    usual = tmp_path / "usual.csv"
    usual.write_text("text,label\nThe parcel never arrived,complaint\n")
    assert page.adder.columns_to_ask(usual) is None  # the default names: nothing to ask
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\xff\xfetext,label\n")
    with pytest.raises(InputFileError, match=r"broken\.csv: is not UTF-8 text"):
        page.adder.columns_to_ask(broken)
    path = tmp_path / "helpdesk.csv"
    path.write_text("ticket id,Report,Category\n1,The parcel never arrived,complaint\n"
                    "2,Where is my invoice?,question\n")
    assert page.adder.columns_to_ask(path) == ["ticket id", "Report", "Category"]

    dialog = ColumnsDialog(path.name, ["ticket id", "Report", "Category"], page)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.chosen() == ("Report", "Category")  # the likeliest, chosen already
    dialog.answer_column.setCurrentText("Report")
    import_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not import_button.isEnabled() and "must be different columns" in dialog.problem.text()
    dialog.answer_column.setCurrentText(NO_ANSWER)
    assert import_button.isEnabled() and dialog.chosen() == ("Report", None)
    dialog.answer_column.setCurrentText("Category")
    save(dialog, qtbot, artifacts_dir, "labelling-import-columns")
    dialog.close()

    # the real path from the menu: the file is chosen, the dialog asks, Import is pressed in it
    monkeypatch.setattr(add_examples.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    asked: list[tuple[str, str | None]] = []

    def press_import() -> None:
        shown = page.adder.dialog
        assert isinstance(shown, ColumnsDialog)
        asked.append(shown.chosen())
        shown.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(100, press_import)
    before = ws.tasks.count_examples(page.current_filter())
    page.adder.choose_file()
    assert asked == [("Report", "Category")]
    qtbot.waitUntil(lambda: page.adder.job is None, timeout=120_000)
    assert "Imported 2 examples from helpdesk.csv" in page.banner.text(), page.banner.text()
    assert ws.tasks.count_examples(page.current_filter()) == before + 2
    with ws.reader() as s:
        labels = dict(s.execute(select(m.Example.input_text, m.Label.value).join(
            m.Label, m.Label.example_id == m.Example.id).where(m.Example.input_text.in_(
                ["The parcel never arrived", "Where is my invoice?"]))).all())
    assert labels == {"The parcel never arrived": "complaint", "Where is my invoice?": "question"}  # from Category


def test_a_new_task_is_checked_as_it_is_typed(page: Any, qtbot: Any, ws: Any, artifacts_dir: Path) -> None:
    from desktop.labelling.task_dialog import NewTaskDialog

    dialog = NewTaskDialog(page)
    qtbot.addWidget(dialog)
    dialog.show()
    create = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert dialog.validate() == "Give the task a name." and not create.isEnabled()
    dialog.name.setText("maintenance")
    assert dialog.validate() == "A classification task needs at least one label."
    dialog.labels.setPlainText("electrical: power, fuses, wiring\nmechanical: bearings, belts\n\nelectrical")
    assert dialog.validate() == "Label names must be distinct; repeated: electrical."
    dialog.labels.setPlainText("electrical: power, fuses, wiring\nmechanical: bearings, belts\nhydraulic")
    dialog.user_template.setPlainText("Report: {text}")
    assert "must contain {input}" in (dialog.validate() or "")
    dialog.user_template.setPlainText("Report:\n{input}")
    dialog.system_prompt.setPlainText("Classify the maintenance report.")
    assert dialog.validate() is None and create.isEnabled()
    dialog.kind.setCurrentIndex(dialog.kind.findData("extraction"))
    assert dialog.kind_pages.currentWidget() is dialog.schema and dialog.validate() is None  # the example schema
    assert "JSON schema" in dialog.caption.text()
    dialog.schema.setPlainText('{"type": "object", "properties": {"machine": {"type": "text"}}}')
    assert "not valid JSON Schema: 'text' is not valid" in (dialog.validate() or "")
    dialog.schema.setPlainText('{"type": "object",')
    assert (dialog.validate() or "").startswith("The schema is not valid JSON")
    dialog.kind.setCurrentIndex(dialog.kind.findData("classification"))
    qtbot.wait(30)
    (artifacts_dir / "screens").mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(artifacts_dir / "screens" / "labelling-new-task.png"))

    page.adder.create_task(dialog.request())
    task = ws.tasks.find("maintenance")
    assert task.labels == ("electrical", "mechanical", "hydraulic") and task.spec["labels"][0] == {
        "name": "electrical", "description": "power, fuses, wiring"}
    assert task.user_template == "Report:\n{input}" and task.system_prompt == "Classify the maintenance report."
    assert page.task is not None and page.task.id == task.id and page.model.rowCount() == 0
    assert "Created the classification task 'maintenance'" in page.banner.text()
