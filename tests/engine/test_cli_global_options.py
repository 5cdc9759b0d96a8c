"""The CLI's global options work before and after the command name, and `airlock gui` opens
$AIRLOCK_WORKSPACE like every other command does."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.cli import main
from engine.store.lease import holder_of
from engine.workspace import IN_USE, Workspace
from tests.engine.lease_holders import ROOT, child_env


def test_workspace_before_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--workspace", str(tmp_path / "a"), "init"]) == 0
    assert Workspace.exists(tmp_path / "a")
    assert main(["-w", str(tmp_path / "a"), "audit", "show", "--json"]) == 0
    assert [e["action"] for e in json.loads(capsys.readouterr().out.split("\n", 1)[1])] == ["workspace.created"]


def test_workspace_after_the_command_still_works_and_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--workspace", str(tmp_path / "b")]) == 0
    assert Workspace.exists(tmp_path / "b")
    # given twice: the one closest to the command wins, as with any repeated option
    assert main(["-w", str(tmp_path / "nowhere"), "audit", "verify", "-w", str(tmp_path / "b")]) == 0
    assert main(["-w", str(tmp_path / "b"), "audit", "verify", "-w", str(tmp_path / "nowhere")]) == 2


def test_workspace_before_a_nested_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Workspace.create(tmp_path / "c"):
        pass
    assert main(["--workspace", str(tmp_path / "c"), "audit", "verify"]) == 0
    assert main(["--workspace", str(tmp_path / "c"), "train", "status"]) == 0
    assert main(["--workspace", str(tmp_path / "none"), "audit", "verify"]) == 2
    assert "no Airlock workspace at" in capsys.readouterr().err


def test_environment_still_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AIRLOCK_WORKSPACE", str(tmp_path / "env"))
    assert main(["init"]) == 0
    assert Workspace.exists(tmp_path / "env")


def test_gui_opens_the_workspace_named_in_the_environment(tmp_path: Path) -> None:
    """A real `airlock gui` (offscreen) with only $AIRLOCK_WORKSPACE set: the window opens that
    workspace, which its lease on the workspace shows (held by the window's process)."""
    with Workspace.create(tmp_path / "ws"):
        pass
    env = {**child_env(), "QT_QPA_PLATFORM": "offscreen", "AIRLOCK_WORKSPACE": str(tmp_path / "ws"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "gui"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        holder = None
        while holder is None and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            holder = holder_of(tmp_path / "ws" / IN_USE)
        assert holder is not None, proc.stdout.read().decode() if proc.poll() is not None and proc.stdout else ""
        assert holder.program == "an Airlock window" and holder.pid not in (os.getpid(), proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)  # `airlock gui` closes its window when it is closed
        proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while holder_of(tmp_path / "ws" / IN_USE) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert holder_of(tmp_path / "ws" / IN_USE) is None
