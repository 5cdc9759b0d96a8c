"""A second Airlock window on a workspace is told who has it open; the command line works alongside."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

from engine.cli import main
from engine.demo import TASK_FILE
from engine.errors import WorkspaceInUse, WorkspaceLocked
from engine.identity import current_os_user
from engine.workspace import Workspace
from tests.engine.lease_holders import HOLD_WORKSPACE, kill, start_holder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    with Workspace.create(tmp_path / "ws"):
        pass
    return tmp_path / "ws"


def test_a_second_window_is_refused_naming_who_holds_it(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    holder = start_holder(HOLD_WORKSPACE, root)
    try:
        with Workspace.open(root) as ws:
            with pytest.raises(WorkspaceInUse) as refused:
                ws.hold("an Airlock window")
            message = str(refused.value)
            assert isinstance(refused.value, WorkspaceLocked)  # the GUI titles it "Workspace in use"
            who = f"an Airlock window of {current_os_user()} on {socket.gethostname()}"
            assert f"{who} (pid {holder.pid}) since " in message
            assert "UTC" in message and "command line still works" in message
            held_by = ws.holder()
            assert held_by is not None and held_by.pid == holder.pid and held_by.os_user == current_os_user()

        # the command line reads and writes alongside the window
        assert main(["audit", "show", "-w", str(root), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)
        assert main(["task", "create", "-w", str(root), str(TASK_FILE)]) == 0
        assert main(["audit", "verify", "-w", str(root)]) == 0
        with Workspace.open(root) as ws:
            assert [t.name for t in ws.tasks.all()] == [json.loads(TASK_FILE.read_text())["name"]]
    finally:
        kill(holder)


def test_the_lease_ends_with_its_process_however_it_ends(root: Path) -> None:
    holder = start_holder(HOLD_WORKSPACE, root)
    kill(holder)  # SIGKILL: no chance to clean up
    with Workspace.open(root) as ws:
        assert ws.holder() is None
        ws.hold("an Airlock window")
        mine = ws.holder()
        assert mine is not None and mine.pid == os.getpid()
    with Workspace.open(root) as ws:  # closing gives it back
        assert ws.holder() is None


def test_status_says_which_window_has_it_open(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    holder = start_holder(HOLD_WORKSPACE, root)
    try:
        assert main(["status", "-w", str(root)]) == 0
        status = json.loads(capsys.readouterr().out)
        assert status["open_in_window"].startswith(f"an Airlock window of {current_os_user()} on "
                                                   f"{socket.gethostname()} (pid {holder.pid})")
    finally:
        kill(holder)
    assert main(["status", "-w", str(root)]) == 0
    assert json.loads(capsys.readouterr().out)["open_in_window"] is None
