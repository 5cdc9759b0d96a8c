"""The job runner's failure path says a full or read-only disk in one clear line, whatever raised it
(a unit of work, or SQLite directly): real SQLite on a real 2 MiB tmpfs and a read-only bind mount."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.jobs import Job, JobRunner
from engine.demo import TASK_FILE
from engine.jobs import JobContext
from engine.store.storage_errors import StorageError
from engine.workspace import Workspace
from tests.engine.tiny_disk import fill, read_only_view, tiny_disk


@pytest.fixture
def runner(qapp: Any) -> Iterator[JobRunner]:
    r = JobRunner()
    yield r
    assert r.shutdown(10)


def _create_task(ws: Workspace, name: str) -> Any:
    spec = json.loads(TASK_FILE.read_text())
    return ws.tasks.create(name, "classification", {"labels": spec["labels"]}, spec["system_prompt"],
                           spec["user_template"])


def test_a_full_disk_fails_the_job_with_one_clear_line(runner: JobRunner, qtbot: Any, tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk") as disk, Workspace.create(disk / "ws") as ws:
        filler = fill(disk)
        failures: list[BaseException] = []
        job = Job(lambda ctx: _create_task(ws, "second"), "Creating a task").on_failure(failures.append)
        job.run(runner)
        qtbot.waitUntil(lambda: job.done, timeout=10000)
        assert len(failures) == 1 and isinstance(failures[0], StorageError)
        assert str(failures[0]) == (f"the disk holding the workspace {ws.root} is full: nothing was saved. Free some "
                                    "space on it and try again")
        assert "database or disk is full" in job.traceback  # the cause is kept for a bug report
        filler.unlink()
        assert ws.tasks.all() == []  # nothing half-written


def test_a_raw_read_only_database_error_reaches_the_window_explained(runner: JobRunner, qtbot: Any,
                                                                      tmp_path: Path) -> None:
    with Workspace.create(tmp_path / "rw" / "ws") as ws, read_only_view(tmp_path / "rw", tmp_path / "ro") as ro:
        _create_task(ws, "first")

        def write_directly(ctx: JobContext) -> None:  # SQLite itself, not through a unit of work
            con = sqlite3.connect(ro / "ws" / "airlock.db")
            try:
                con.execute("UPDATE tasks SET name = 'renamed'")
                con.commit()
            finally:
                con.close()

        with qtbot.waitSignal(runner.unhandled_failure, timeout=10000) as signal:
            Job(write_directly, "Renaming").run(runner)
        assert signal.args == ["StorageError", "the workspace is on a read-only disk or folder (attempt to write a "
                                               "read-only database): nothing was saved. Open it from a writable place"]
        assert [t.name for t in ws.tasks.all()] == ["first"]
