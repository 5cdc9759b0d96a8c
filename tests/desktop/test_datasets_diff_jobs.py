"""Comparing two dataset versions runs as a job, not on the GUI thread, in the real window (where
every finished job refreshes the page: the comparison it showed stays); a comparison that ends after
another version was selected is not shown."""

from __future__ import annotations

import threading
from typing import Any

from desktop.datasets.diff_view import DiffView
from engine.datasets.freeze import SplitPlan
from tests.desktop.off_gui_thread import Recorder, shot
from tests.desktop.test_datasets_page import ws  # noqa: F401  (400 labelled tickets)
from tests.signed import SIGNED


def test_versions_are_compared_off_the_gui_thread_and_a_stale_comparison_is_dropped(
        window: Any, qtbot: Any, ws: Any, monkeypatch: Any) -> None:  # noqa: F811
    task = ws.tasks.find("triage")
    for name, seed in (("triage-v1", 1), ("triage-v2", 2), ("triage-v3", 3)):
        ws.datasets.freeze(task.id, name, SplitPlan(seed=seed, keep_splits=False), signature=SIGNED)
    diffs = Recorder(ws.datasets.diff)
    monkeypatch.setattr(ws.datasets, "diff", diffs)
    window.set_workspace(ws)
    window.nav.setCurrentRow(list(window.pages).index("datasets"))
    page = window.pages["datasets"]
    assert page.versions.selected_row().name == "triage-v3"
    qtbot.waitUntil(lambda: not window.runner.running(), timeout=30_000)  # the readiness check
    page.tabs.setCurrentWidget(page.diff)
    view: DiffView = page.diff
    view.other.setCurrentIndex(view.other.findText("triage-v1"))
    diffs.hold()
    view.compare_button.click()
    assert diffs.waiting.wait(10)
    stale = view.job
    assert view.summary.text() == "Comparing triage-v1 with triage-v3…" and not view.compare_button.isEnabled()
    assert "Comparing triage-v1 with triage-v3" in window.status.jobs_label.toolTip()  # all running jobs
    shot(window, qtbot, "datasets-comparing")
    page.versions.selectRow([v.name for v in page.versions.rows()].index("triage-v2"))  # the page stays usable
    assert view.summary.text() == "Pick another version to see what changed." and view.compare_button.isEnabled()
    assert view.other.currentText() == "triage-v1"
    view.compare_button.click()
    qtbot.waitUntil(lambda: view.job is None and view.table.row_count() > 0, timeout=30_000)
    by_name = {v.name: v.id for v in ws.datasets.versions()}
    expected = diffs.real(by_name["triage-v1"], by_name["triage-v2"])
    assert view.summary.text().startswith("From triage-v1 to triage-v2:")
    assert view.table.row_count() == len(expected.moved) + len(expected.added) + len(expected.removed) \
        + len(expected.changed)
    diffs.release()
    qtbot.waitUntil(lambda: stale.done, timeout=30_000)
    qtbot.waitUntil(lambda: not window.runner.running(), timeout=30_000)  # and the refreshes after it
    assert stale.state.value == "succeeded"  # triage-v1 against triage-v3 came ...
    assert view.summary.text().startswith("From triage-v1 to triage-v2:")  # ... and is not shown
    assert view.table.row_count() > 0 and view.compare_button.isEnabled()
    assert diffs.threads and threading.main_thread() not in diffs.threads
    shot(window, qtbot, "datasets-compared")
