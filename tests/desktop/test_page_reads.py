"""Page loads that can be slow on a large workspace (every document with its findings' counts) are
read by a job: the page shows "Reading…" meanwhile and stays usable, and only the newest read is shown."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tests.desktop.off_gui_thread import Recorder, shot


def _import(workspace: Any, folder: Path, names: list[str]) -> None:
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / f"{name}.txt").write_text(f"Note {name}, written by Jane Roe.")
    workspace.documents.import_files([folder / f"{name}.txt" for name in names])


def test_the_documents_list_is_read_off_the_gui_thread_and_the_newest_read_wins(
        window: Any, workspace: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.documents import service

    _import(workspace, tmp_path / "in", ["a", "b", "c"])
    window.set_workspace(workspace)
    window.show_page("documents")
    page = window.current_page()
    qtbot.waitUntil(lambda: page.table.row_count() == 3, timeout=30_000)
    reads = Recorder(service.document_rows)
    monkeypatch.setattr(service, "document_rows", reads)
    reads.hold()
    page.refresh()  # this read waits in the engine
    assert reads.waiting.wait(10)
    reading = page.rows_read.busy_widget
    assert page.rows_read.busy and reading is not None and reading.isVisible()
    assert "Reading the documents" in window.status.jobs_label.text()
    assert page.table.row_count() == 3  # what was read before stays, and the page stays usable
    shot(window, qtbot, "documents-reading")
    _import(workspace, tmp_path / "in", ["d"])
    page.refresh()  # a newer read: it is the one shown
    qtbot.waitUntil(lambda: not page.rows_read.busy, timeout=30_000)
    assert page.table.row_count() == 4 and reading.isHidden()
    _import(workspace, tmp_path / "in", ["e"])  # the held read will see five documents ...
    reads.release()
    qtbot.waitUntil(lambda: not window.runner.running(), timeout=30_000)
    assert page.table.row_count() == 4  # ... and is not shown: a newer read was started after it
    assert len(reads.threads) == 2 and threading.main_thread() not in reads.threads
    page.refresh()
    qtbot.waitUntil(lambda: page.table.row_count() == 5, timeout=30_000)


def test_the_audit_log_is_read_off_the_gui_thread(window: Any, workspace: Any, qtbot: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    audit = type(workspace.audit)
    reads = Recorder(audit.entries)
    monkeypatch.setattr(audit, "entries", lambda self, *args, **kwargs: reads(self, *args, **kwargs))
    reads.hold()
    window.set_workspace(workspace)
    window.show_page("audit")
    page = window.current_page()
    assert reads.waiting.wait(10)
    assert page.entries_read.busy and page.count_label.text() == "Reading the audit log…"
    reads.release()
    qtbot.waitUntil(lambda: not page.entries_read.busy, timeout=30_000)
    assert reads.threads and threading.main_thread() not in reads.threads
    assert page.table.row_count() == len(workspace.audit.entries()) == 1
    assert page.count_label.text() == "1 event"
