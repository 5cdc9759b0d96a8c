"""The Training page offers to let a run outlive the window, and says so for a run that does.
(The worker here is a real process holding the run's real lease as a detached worker does; a real
detached worker is in tests/engine/test_training_orphans.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.jobs import JobRunner
from desktop.training.page import DETACHED_NOTE, TrainingPage
from engine.training.spec import DETACHED_WORKER, WORKER, WORKER_LEASE_FILE
from tests.engine.lease_holders import HOLD_RUN, kill, start_holder
from tests.engine.test_training_run import ready  # noqa: F401  (the workspace with a frozen version)
from tests.engine.test_training_worker_lease import _run_row


@pytest.fixture
def page(qtbot: Any, styled_app: Any) -> Iterator[TrainingPage]:
    runner = JobRunner()
    p = TrainingPage(runner)
    qtbot.addWidget(p)
    p.resize(1200, 760)
    p.show()
    yield p
    p.set_workspace(None)
    runner.shutdown(10)


@pytest.mark.parametrize("program", [DETACHED_WORKER, WORKER])
def test_a_detached_run_says_it_keeps_training(page: TrainingPage, qtbot: Any, workspace: Any, program: str,
                                               artifacts_dir: Path) -> None:
    run_id = _run_row(workspace, "running")
    worker = start_holder(HOLD_RUN, workspace.training.get(run_id).run_dir / WORKER_LEASE_FILE, program)
    try:
        assert not page.detach_box.isChecked()  # a run stops with its window unless asked otherwise
        assert "stops the run at the next step" in page.detach_box.toolTip()
        page.set_workspace(workspace)
        qtbot.waitUntil(lambda: page.shown_run == run_id, timeout=10000)
        assert (DETACHED_NOTE in page.run_note.text()) == (program == DETACHED_WORKER)
        if program == DETACHED_WORKER:
            page.grab().save(str(artifacts_dir / "training_detached.png"))
    finally:
        kill(worker)


def test_resume_from_a_second_window_is_refused_naming_the_worker(page: TrainingPage, qtbot: Any, workspace: Any,
                                                                   shown_errors: list[tuple[str, str]]) -> None:
    run_id = _run_row(workspace, "failed")
    worker = start_holder(HOLD_RUN, workspace.training.get(run_id).run_dir / WORKER_LEASE_FILE)
    try:
        page.set_workspace(workspace)
        qtbot.waitUntil(lambda: page.shown_run == run_id, timeout=10000)
        assert page.resume_button.isEnabled()
        page.resume_button.click()
        assert shown_errors and shown_errors[0][0] == "The run cannot be resumed"
        assert f"training run {run_id} already has a worker: training worker of " in shown_errors[0][1]
        assert f"(pid {worker.pid})" in shown_errors[0][1]
        assert workspace.training.get(run_id).status == "failed"
    finally:
        kill(worker)


@pytest.mark.slow
def test_closing_the_window_asks_before_stopping_a_run_started_from_it(
        window: Any, qtbot: Any, ready: Any, confirmations: Any) -> None:  # noqa: F811
    """A real run started from the page (not detached): closing the window says it will stop."""
    from engine.workspace import Workspace

    ws, _version_id, _base_id = ready
    root = ws.root
    window.set_workspace(ws)
    window.nav.setCurrentRow(4)
    page = window.current_page()
    for name, value in (("max_steps", 200), ("batch_size", 1), ("max_length", 96)):
        page.form.inputs[name].setValue(value)
    qtbot.waitUntil(lambda: "is not ready" in page.readiness.verdict.text(), timeout=30_000)
    page.start_button.click()  # "Train anyway" (24 examples)
    qtbot.waitUntil(lambda: bool(ws.training.stopping_with_this_process()), timeout=60_000)
    run_id = ws.training.stopping_with_this_process()[0]
    confirmations.answer = False
    window.close()
    assert confirmations[-1][0] == "Training will stop" and f"run #{run_id}" in confirmations[-1][1]
    assert window.isVisible() and window.ws is ws  # kept open
    confirmations.answer = True
    window.close()
    assert not window.isVisible()
    with Workspace.open(root) as other:  # this test process lives on, so stop the run ourselves
        other.training.cancel(run_id)
        qtbot.waitUntil(lambda: other.training.get(run_id).status in ("cancelled", "failed", "succeeded"),
                        timeout=600_000)


def test_a_vanished_worker_is_marked_failed_off_the_gui_thread(page: TrainingPage, qtbot: Any, workspace: Any,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                artifacts_dir: Path) -> None:
    """Marking a dead run failed stores (hashes and copies) every checkpoint it left: a job, not the GUI
    thread; the page says so meanwhile and shows the failed run when it is done."""
    import json
    import subprocess
    import threading

    from engine.store.models import TrainingRun
    from engine.training import provenance

    run_id = _run_row(workspace, "running")
    checkpoint = workspace.training.get(run_id).run_dir / "checkpoints" / "checkpoint-2"
    checkpoint.mkdir(parents=True)
    (checkpoint / "adapter_model.safetensors").write_bytes(b"weights" * 1000)
    (checkpoint / "trainer_state.json").write_text(json.dumps({"global_step": 2}))
    gone = subprocess.Popen(["true"])
    gone.wait()
    with workspace.unit() as s:
        s.get_one(TrainingRun, run_id).pid = gone.pid
    threads: list[threading.Thread] = []
    release = threading.Event()
    real = provenance.store_run_files

    def store_run_files(ws: Any, run_dir: Path) -> Any:
        threads.append(threading.current_thread())
        release.wait(10)  # long enough to see the page while it works
        return real(ws, run_dir)

    monkeypatch.setattr(provenance, "store_run_files", store_run_files)
    page.set_workspace(workspace)
    qtbot.waitUntil(lambda: bool(threads), timeout=10_000)
    assert "storing the checkpoints it left" in page.run_note.text()
    assert page.table.isEnabled()  # the page stays usable
    shots = Path("/tmp/shots-jobs")
    shots.mkdir(exist_ok=True)
    page.grab().save(str(shots / "training-storing-checkpoints.png"))
    release.set()
    qtbot.waitUntil(lambda: page.table.selected_row() is not None
                    and page.table.selected_row().status == "failed", timeout=10_000)
    assert threads[0] is not threading.main_thread()
    assert "status failed" in page.run_note.text() and "ended unexpectedly" in page.run_note.text()
    stored = workspace.training.provenance(run_id)["stored_files"]
    assert "checkpoint-2" in stored
    page.grab().save(str(shots / "training-marked-failed.png"))


def test_closing_the_window_stops_the_training_pages_alive_check(window: Any, qtbot: Any, workspace: Any) -> None:
    """A run that outlives the window (detached): the window closes without asking, and its Training page
    stops checking the run and forgets the workspace, which the window closed."""
    run_id = _run_row(workspace, "running")
    worker = start_holder(HOLD_RUN, workspace.training.get(run_id).run_dir / WORKER_LEASE_FILE, DETACHED_WORKER)
    try:
        window.set_workspace(workspace)
        window.nav.setCurrentRow(4)
        page = window.current_page()
        assert isinstance(page, TrainingPage)
        qtbot.waitUntil(lambda: page.shown_run == run_id and page._alive_timer.isActive(), timeout=10000)
        window.close()
        assert not window.isVisible() and window.ws is None
        assert not page._alive_timer.isActive()
        assert page.ws is None and page.shown_run is None
    finally:
        kill(worker)
