"""The Documents page: review by keyboard, marking missed spans, bulk accept, undo, redact and clear;
import by drop and by the job with the column picker; the privacy settings dialog. Real workspace,
real presidio (the analyzer loads once per process)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop.documents.import_dialog import ColumnPicker
from desktop.documents.page import DocumentsPage
from desktop.documents.pii_settings import PrivacySettingsDialog
from desktop.qt import QDialog, QDropEvent, QMimeData, QPoint, Qt, QUrl
from engine.store.models import Document, PiiFinding

LETTER = ("Dear Anna Schmidt,\nplease call John Miller on +1 (212) 555-0134 or write to "
          "anna.schmidt@example.com.\nThe badge EMP-004211 belongs to Anna Schmidt.\n")


def save(widget: Any, qtbot: Any, artifacts_dir: Path, name: str) -> None:
    qtbot.wait(60)
    screens = artifacts_dir / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(screens / f"{name}.png"))


def wait_idle(page: DocumentsPage, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: not page.jobs.busy and not page.runner.running(), timeout=240_000)


@pytest.fixture
def page(window: Any, workspace: Any, qtbot: Any, tmp_path: Path) -> DocumentsPage:
    window.set_workspace(workspace)
    window.show_page("documents")
    window.activateWindow()
    qtbot.waitActive(window)
    page = window.current_page()
    assert isinstance(page, DocumentsPage)
    return page


@pytest.fixture
def scanned(page: DocumentsPage, workspace: Any, qtbot: Any, tmp_path: Path) -> DocumentsPage:
    """The letter imported through the page's drop target and scanned through the page's job."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "letter.txt").write_text(LETTER)
    drop(page, [tmp_path / "in" / "letter.txt"])
    wait_idle(page, qtbot)
    page.result_dialog.close()
    page.window().activateWindow()
    qtbot.waitActive(page.window())
    page.table.select_first()
    page.scan_button.click()
    wait_idle(page, qtbot)
    assert page.review.findings(), "the scan found nothing"
    page.review.list.setFocus()
    return page


def drop(page: DocumentsPage, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPoint(20, 20).toPointF(), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    page.dropEvent(event)


def stored(ws: Any, finding_id: int) -> PiiFinding:
    with ws.reader() as s:
        row = s.get(PiiFinding, finding_id)
        assert row is not None
        s.expunge(row)
        return row


def value(page: DocumentsPage, finding: Any) -> str:
    return page.review.text[finding.start:finding.end]


def test_keys_accept_reject_navigate_and_undo(scanned: DocumentsPage, workspace: Any, qtbot: Any,
                                              artifacts_dir: Path) -> None:
    page = scanned
    first = page.review.current()
    assert first is not None and page.review.list.currentRow() == 0
    qtbot.keyClick(page.review.list, Qt.Key.Key_N)
    assert page.review.list.currentRow() == 1
    second = page.review.current()
    cursor = page.text_view.textCursor().position()
    assert cursor == second.start  # the text scrolled to the span
    qtbot.keyClick(page.review.list, Qt.Key.Key_P)
    assert page.review.current() == first

    qtbot.keyClick(page.review.list, Qt.Key.Key_A)
    row = stored(workspace, first.id)
    assert (row.decision, row.decided_by) == ("accepted", workspace.identity.os_user)
    now = page.review.current()
    assert now is not None and now.id != first.id and now.decision == "pending"  # moved on
    qtbot.keyClick(page.review.list, Qt.Key.Key_R)
    assert stored(workspace, now.id).decision == "rejected"
    decided = [e for e in workspace.audit.entries(action="pii.decided")]
    assert {e.subject for e in decided} == {f"finding:{first.id}", f"finding:{now.id}"}
    save(page.window(), qtbot, artifacts_dir, "documents-review")

    qtbot.keyClick(page.review.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(workspace, now.id).decision == "pending"
    qtbot.keyClick(page.review.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(workspace, first.id).decision == "pending"
    assert len(workspace.audit.entries(action="pii.reopened")) == 2
    assert not page.review.undo_button.isEnabled()


def test_redo_makes_decisions_again_through_the_engine(scanned: DocumentsPage, workspace: Any, qtbot: Any,
                                                      artifacts_dir: Path) -> None:
    page, review = scanned, scanned.review
    ctrl = Qt.KeyboardModifier.ControlModifier
    shift_ctrl = ctrl | Qt.KeyboardModifier.ShiftModifier
    first = review.current()
    assert first is not None and not review.redo_button.isEnabled()

    # accept, undo, redo
    qtbot.keyClick(review.list, Qt.Key.Key_A)
    qtbot.keyClick(review.list, Qt.Key.Key_Z, ctrl)
    assert stored(workspace, first.id).decision == "pending" and review.current().id == first.id
    assert review.redo_button.isEnabled() and review.redo_button.toolTip().startswith("Redo accepted ")
    save(page.window(), qtbot, artifacts_dir, "documents-undo-redo")
    qtbot.keyClick(review.list, Qt.Key.Key_Z, shift_ctrl)
    row = stored(workspace, first.id)
    assert (row.decision, row.decided_by) == ("accepted", workspace.identity.os_user)
    subject = f"finding:{first.id}"
    assert [(e.action, e.details.get("decision")) for e in workspace.audit.entries(subject=subject,
                                                                                   newest_first=False)
            if e.action.startswith("pii.")] == [("pii.decided", "accepted"), ("pii.reopened", None),
                                                ("pii.decided", "accepted")]

    # reject, undo, redo (Ctrl+Y)
    review.list.setCurrentRow([f.id for f in review.findings()].index(first.id))
    qtbot.keyClick(review.list, Qt.Key.Key_R)
    qtbot.keyClick(review.list, Qt.Key.Key_Z, ctrl)
    assert stored(workspace, first.id).decision == "accepted"  # the decision before it is back
    qtbot.keyClick(review.list, Qt.Key.Key_Y, ctrl)
    assert stored(workspace, first.id).decision == "rejected"
    assert len(workspace.audit.entries(action="pii.decided", subject=subject)) == 5

    # bulk accept of one type, undo, redo
    kinds = sorted({f.entity_type for f in review.findings() if f.decision == "pending"})
    assert kinds
    review.type_combo.setCurrentIndex(review.type_combo.findData(kinds[0]))
    bulk = [f.id for f in review.findings() if f.entity_type == kinds[0] and f.decision == "pending"]
    review.accept_type_button.click()
    assert {stored(workspace, i).decision for i in bulk} == {"accepted"}
    review.undo_button.click()
    assert {stored(workspace, i).decision for i in bulk} == {"pending"}
    # meanwhile another finding of that type turns up pending (another window, a rescan): the redo
    # accepts what the bulk accept did, not this one nobody has looked at
    with workspace.unit() as s:
        late = PiiFinding(document_id=page.selected_id(), entity_type=kinds[0], start=0, end=3, score=0.5,
                          source="detector", decision="pending")
        s.add(late)
        s.flush()
        late_id = late.id
    review.redo_button.click()
    assert {stored(workspace, i).decision for i in bulk} == {"accepted"}
    assert stored(workspace, late_id).decision == "pending"
    assert len(workspace.audit.entries(action="pii.bulk_accepted")) == 2

    # a span marked by hand: undo removes it, redo adds it again (a new row; SQLite may reuse the id)
    start = LETTER.index("EMP-004211")
    added = review.add_span(start, start + 10, "EMPLOYEE_ID")
    assert added is not None
    qtbot.keyClick(review.list, Qt.Key.Key_Z, ctrl)
    with workspace.reader() as s:
        assert s.get(PiiFinding, added) is None
    qtbot.keyClick(review.list, Qt.Key.Key_Z, shift_ctrl)
    again = review.current()
    assert again is not None and (again.start, again.end) == (start, start + 10)
    row = stored(workspace, again.id)
    assert (row.entity_type, row.source, row.decision) == ("EMPLOYEE_ID", "manual", "accepted")
    assert len(workspace.audit.entries(action="pii.added")) == 2
    assert len(workspace.audit.entries(action="pii.removed")) == 1
    review.undo_button.click()  # the redone span is the one an undo removes
    with workspace.reader() as s:
        assert s.get(PiiFinding, again.id) is None

    # a new decision drops what could have been redone
    assert review.redo_button.isEnabled()
    qtbot.keyClick(review.list, Qt.Key.Key_A)
    assert not review.redo_button.isEnabled() and review.redo() is None
    assert len(workspace.audit.entries(action="pii.added")) == 2


def test_mark_selection_bulk_accept_then_redact_and_clear(scanned: DocumentsPage, workspace: Any,
                                                         qtbot: Any) -> None:
    page = scanned
    start = LETTER.index("EMP-004211")
    page.text_view.select_range(start, start + len("EMP-004211"))
    added = page.mark_selection("EMPLOYEE_ID")
    assert added is not None
    row = stored(workspace, added)
    assert (row.entity_type, row.start, row.end, row.source, row.decision) == (
        "EMPLOYEE_ID", start, start + 10, "manual", "accepted")
    assert page.review.current().id == added
    assert "EMP-004211" in page.text_view.highlighted_text()
    assert workspace.audit.entries(action="pii.added")

    assert not page.redact_button.isEnabled()  # findings still pending
    for entity_type in sorted({f.entity_type for f in page.review.findings() if f.decision == "pending"}):
        at = page.review.type_combo.findData(entity_type)
        page.review.type_combo.setCurrentIndex(at)
        page.review.accept_type_button.click()
    assert page.review.pending() == 0
    assert workspace.audit.entries(action="pii.bulk_accepted")
    assert page.redact_button.isEnabled()
    page.redact_button.click()
    with workspace.reader() as s:
        doc = s.get(Document, page.selected_id())
        assert doc.status == "cleared" and doc.original_text is None
        assert "Anna Schmidt" not in doc.redacted_text and "<EMPLOYEE_ID_1>" in doc.redacted_text
    qtbot.waitUntil(lambda: not page.rows_read.busy, timeout=30_000)  # the list is read again by a job
    assert "cleared" in page.doc_note.text()
    assert "Anna Schmidt" not in page.text_view.toPlainText()


def test_import_job_with_column_picker_imports_the_chosen_column(page: DocumentsPage, workspace: Any,
                                                                 qtbot: Any, tmp_path: Path,
                                                                 artifacts_dir: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    rows = tmp_path / "tickets.csv"
    rows.write_text("text,body,topic\nshort,The printer on floor 3 jams daily,hardware\n"
                    "tiny,My laptop battery drains in an hour,hardware\n")
    (tmp_path / "notes.txt").write_text("Meeting notes, nothing personal.")
    (tmp_path / "bad.pdf").write_bytes(b"not a pdf at all")
    pickers: list[ColumnPicker] = []

    def choose(picker: ColumnPicker) -> int:
        pickers.append(picker)
        assert picker.preview.fields == ("text", "body", "topic")
        assert picker.text_combo.currentText() == "text"  # the default guess
        picker.text_combo.setCurrentText("body")
        picker.label_combo.setCurrentText("topic")
        picker.resize(760, 380)
        picker.show()
        save(picker, qtbot, artifacts_dir, "documents-column-picker")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ColumnPicker, "exec", choose)
    job = page.import_paths([rows, tmp_path / "notes.txt", tmp_path / "bad.pdf"])
    assert job is not None and page.jobs.isVisible()
    wait_idle(page, qtbot)
    assert len(pickers) == 1
    report = page.last_report
    assert report is not None and len(report.imported) == 3 and len(report.errors) == 1
    assert "bad.pdf" in report.errors[0] and "not a PDF" in report.errors[0]
    shown = page.result_dialog.details.toPlainText()
    assert "Imported 3 document(s)" in shown and "bad.pdf" in shown
    with workspace.reader() as s:
        texts = {d.original_text: d.source_label for d in s.query(Document)}
    assert texts["The printer on floor 3 jams daily"] == "hardware"
    assert "short" not in texts
    assert page.table.row_count() == 3
    page.result_dialog.close()


def test_drop_imports_folders_and_reports_duplicates(page: DocumentsPage, workspace: Any, qtbot: Any,
                                                     tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("First document.")
    (folder / "sub" / "b.md").write_text("# Second document")
    drop(page, [folder])
    wait_idle(page, qtbot)
    assert len(page.last_report.imported) == 2
    drop(page, [folder / "a.txt"])
    wait_idle(page, qtbot)
    assert page.last_report.imported == [] and "same content" in page.last_report.duplicates[0]
    page.result_dialog.close()


def test_scan_job_can_be_cancelled(page: DocumentsPage, workspace: Any, qtbot: Any, tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"d{i}.txt").write_text(f"Document {i} written by Jane Roe.")
    workspace.documents.import_files([tmp_path / f"d{i}.txt" for i in range(3)])
    page.refresh()
    job = page.scan_all_new()
    assert job is not None
    page.jobs.cancel()
    wait_idle(page, qtbot)
    assert job.state.value in ("cancelled", "succeeded")
    if job.state.value == "cancelled":
        assert "cancelled" in page.banner.text()


def test_settings_dialog_checks_patterns_live_and_saves(scanned: DocumentsPage, workspace: Any, qtbot: Any,
                                                        artifacts_dir: Path, shown_errors: list) -> None:
    dialog = PrivacySettingsDialog(workspace, scanned.review.text, scanned)
    qtbot.addWidget(dialog)
    row = dialog.add_pattern("employee id", r"EMP-(\d+", "badge EMP-123456")
    assert "not a valid regular expression" in dialog.pattern_check.text()
    dialog.show()
    save(dialog, qtbot, artifacts_dir, "documents-privacy-invalid-pattern")
    dialog.patterns.item(row, 1).setText(r"EMP-\d{6}")
    assert "'EMP-123456'" in dialog.pattern_check.text()
    assert "1 match(es) in the current document: 'EMP-004211'" in dialog.pattern_check.text()
    dialog.deny.setPlainText("Project Falcon\n")
    dialog.allow.setPlainText("London")
    dialog.show()
    save(dialog, qtbot, artifacts_dir, "documents-privacy-settings")
    dialog.tabs.setCurrentIndex(2)
    save(dialog, qtbot, artifacts_dir, "documents-privacy-rules")
    assert dialog.keep_originals.isEnabled()  # the workspace's creator is its admin
    dialog.keep_originals.setChecked(True)
    dialog.save()
    assert shown_errors == []
    settings = workspace.privacy.settings()
    assert [p.entity_type for p in settings.patterns] == ["EMPLOYEE_ID"]
    assert settings.deny_list == ("Project Falcon",) and settings.allow_list == ("London",)
    assert workspace.privacy.keep_originals()
    assert workspace.audit.entries(action="pii.keep_originals_changed")

    bad = PrivacySettingsDialog(workspace, "", scanned)
    qtbot.addWidget(bad)
    bad.add_pattern("case", "[", "")
    bad.save()
    assert shown_errors and "not a valid regular expression" in shown_errors[0][1]
    assert bad.result() != QDialog.DialogCode.Accepted
