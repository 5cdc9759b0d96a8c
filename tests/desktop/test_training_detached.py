"""The Training page offers to let a run outlive the window, and says so for a run that does.
(The worker here is a real process holding the run's real lease as a detached worker does; a real
detached worker is in tests/engine/test_training_orphans.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.jobs import JobRunner
from desktop.pages.training import DETACHED_NOTE, TrainingPage
from engine.training.spec import DETACHED_WORKER, WORKER, WORKER_LEASE_FILE
from tests.engine.lease_holders import HOLD_RUN, kill, start_holder
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
