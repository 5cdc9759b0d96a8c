"""The chunk preview of "Add from documents" runs as a job, not on the GUI thread; a preview for
settings the person has changed meanwhile is not shown."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.desktop.off_gui_thread import Recorder, shot
from tests.engine.tasks_data import add_cleared_document


@pytest.fixture
def dialog(qtbot: Any, styled_app: Any, workspace: Any) -> Iterator[Any]:
    from desktop.jobs import JobRunner
    from desktop.labelling.chunk_dialog import ChunkDialog

    report = "\n\n".join(f"Paragraph {i}: the press on line {i} stopped and oil was found under the pump."
                         for i in range(1, 5))
    add_cleared_document(workspace, "shift-report.txt", report)
    add_cleared_document(workspace, "memo.txt", "A short memo about the canteen.")
    runner = JobRunner()
    made = ChunkDialog(workspace, "triage", runner)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitUntil(lambda: made.preview_job is None, timeout=20_000)  # the first preview
    yield made
    runner.shutdown(10)


def test_the_preview_is_cut_off_the_gui_thread_and_the_latest_settings_win(
        dialog: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.tasks import service

    cutter = Recorder(service.chunk_text)
    monkeypatch.setattr(service, "chunk_text", cutter)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert dialog.summary.text() == "5 examples from 2 documents"
    cutter.hold()
    dialog.mode.setCurrentIndex(dialog.mode.findData("size"))
    dialog.piece_size.setValue(60)
    assert not ok.isEnabled()  # the preview no longer shows what would be created
    dialog.refresh_preview()
    assert cutter.waiting.wait(10)
    stale = dialog.preview_job
    assert dialog.summary.text() == "Cutting 2 documents into pieces…" and not ok.isEnabled()
    shot(dialog, qtbot, "labelling-chunk-previewing")
    dialog.mode.setCurrentIndex(dialog.mode.findData("whole"))  # changed again while the first one works
    dialog.refresh_preview()
    qtbot.waitUntil(lambda: dialog.preview_job is None, timeout=20_000)
    assert dialog.summary.text() == "2 examples from 2 documents" and ok.text() == "Create 2 examples"
    cutter.release()
    qtbot.waitUntil(lambda: stale.done, timeout=20_000)
    assert stale.state.value == "succeeded"  # the by-size pieces came ...
    assert dialog.summary.text() == "2 examples from 2 documents"  # ... and are not shown
    assert [p.index for p in dialog.pieces] == [0, 0] and ok.isEnabled()
    assert cutter.threads and threading.main_thread() not in cutter.threads
    shot(dialog, qtbot, "labelling-chunk-previewed")


def test_a_failed_preview_says_why(dialog: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.tasks import service

    def broken(*_args: Any) -> list[str]:
        raise OSError("the document store cannot be read")

    monkeypatch.setattr(service, "chunk_text", broken)
    dialog.refresh_preview()
    qtbot.waitUntil(lambda: dialog.preview_job is None, timeout=20_000)
    assert dialog.summary.text() == "⚠ the document store cannot be read"
    assert dialog.pieces == [] and not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
