"""A workspace on a disk that fills up, or that is read-only: one clear line ("database or disk is
full", "attempt to write a readonly database" in plain words), nothing half-written. Real SQLite on
a real 2 MiB tmpfs and a real read-only bind mount."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from engine.cli import main
from engine.demo import TASK_FILE
from engine.store.storage_errors import StorageError
from engine.workspace import Workspace
from tests.engine.tiny_disk import fill, read_only_view, tiny_disk

FULL = "is full: nothing was saved. Free some space on it and try again"
READ_ONLY = ("is on a read-only disk or folder (attempt to write a read-only database): nothing was saved. Open it "
             "from a writable place")


def _intact(root: Path, tasks: int) -> None:
    con = sqlite3.connect(root / "airlock.db")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM tasks").fetchone()[0] == tasks
    finally:
        con.close()
    with Workspace.open(root) as ws:
        assert ws.audit.verify().ok


def _create_task(ws: Workspace, name: str) -> None:
    spec = json.loads(TASK_FILE.read_text())
    ws.tasks.create(name, "classification", {"labels": spec["labels"]}, spec["system_prompt"], spec["user_template"])


def test_a_disk_that_fills_up_while_open(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with tiny_disk(tmp_path / "disk") as disk:
        root = disk / "ws"
        with Workspace.create(root) as ws:
            _create_task(ws, "first")
            filler = fill(disk)
            with pytest.raises(StorageError) as full:  # the window's own unit of work
                _create_task(ws, "second")
            assert str(full.value) == f"the disk holding the workspace {root.resolve()} {FULL}"
            # the command line at the same moment: one line, exit 2
            assert main(["task", "create", "-w", str(root), str(TASK_FILE)]) == 2
            err = capsys.readouterr().err
            assert err == f"airlock: error: the disk holding the workspace {root} {FULL}\n"
        filler.unlink()
        _intact(root, tasks=1)


def test_opening_on_a_full_disk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SQLite cannot even open its shared-memory file: "disk I/O error", explained as a full disk."""
    with tiny_disk(tmp_path / "disk") as disk:
        root = disk / "ws"
        with Workspace.create(root) as ws:
            _create_task(ws, "first")
        filler = fill(disk)
        assert main(["task", "create", "-w", str(root), str(TASK_FILE)]) == 2
        assert capsys.readouterr().err == f"airlock: error: the disk holding the workspace {root} {FULL}\n"
        filler.unlink()
        _intact(root, tasks=1)


def test_a_read_only_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "rw" / "ws"
    with Workspace.create(root) as ws, read_only_view(tmp_path / "rw", tmp_path / "ro") as ro:
        _create_task(ws, "first")
        with Workspace.open(ro / "ws") as viewer:  # reading works
            assert [t.name for t in viewer.tasks.all()] == ["first"]
            with pytest.raises(StorageError) as refused:  # "attempt to write a readonly database"
                _create_task(viewer, "second")
            assert str(refused.value) == f"the workspace {(ro / 'ws').resolve()} {READ_ONLY}"
        assert main(["task", "create", "-w", str(ro / "ws"), str(TASK_FILE)]) == 2
        assert capsys.readouterr().err == f"airlock: error: the workspace {ro / 'ws'} {READ_ONLY}\n"
        ws.close()  # nobody has it open on the writable side now: SQLite cannot open it read-only at all
        assert main(["audit", "verify", "-w", str(ro / "ws")]) == 2
        assert capsys.readouterr().err == f"airlock: error: the workspace {ro / 'ws'} {READ_ONLY}\n"
    _intact(root, tasks=1)


def test_a_file_write_into_the_workspace_on_a_full_disk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """ENOSPC from a plain file write in the workspace (here its marker file) reads the same."""
    with tiny_disk(tmp_path / "disk") as disk:
        fill(disk)
        assert main(["init", "-w", str(disk / "new")]) == 2
        assert capsys.readouterr().err == f"airlock: error: the disk holding the workspace {disk / 'new'} {FULL}\n"
