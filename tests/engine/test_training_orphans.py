"""Real workers on the real demo model: a worker whose starting process is SIGKILLed stops on its own,
keeping a checkpoint and saying why; a detached one goes on and says it runs on its own; while a
worker lives, another instance cannot start or resume a second one on the run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from engine.cli import main
from engine.errors import AirlockError
from engine.training.config import TrainingConfig
from engine.training.events import Step, read_events
from engine.training.spec import DETACHED_WORKER, WORKER, checkpoints
from engine.training.worker import PARENT_GONE
from engine.workspace import Workspace
from tests.engine.lease_holders import ROOT, child_env
from tests.engine.test_training_run import _wait_for_step, ready  # noqa: F401  (the fixture)

pytestmark = pytest.mark.slow

STARTER = r"""
import sys, threading, time
from pathlib import Path
from engine.workspace import Workspace
ws = Workspace.open(Path(sys.argv[1]))
run_id, how = int(sys.argv[2]), sys.argv[3]
pids = []
def go():  # from a thread that ends at once, as the desktop's job threads do
    pids.append(ws.training.resume(run_id, detach=how == "detached") if sys.argv[4] == "resume"
                else ws.training.start(run_id, detach=how == "detached"))
t = threading.Thread(target=go)
t.start()
t.join()
print(pids[0], flush=True)
time.sleep(900)
"""


def _starter(ws: Workspace, run_id: int, how: str, action: str) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([sys.executable, "-c", STARTER, str(ws.root), str(run_id), how, action], cwd=ROOT,
                            env=child_env(), stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


def _ended(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] == "Z"
    except FileNotFoundError:
        return True


def _wait(check: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.25)
    raise AssertionError(f"not within {timeout} s")


def test_orphaned_worker_stops_detached_worker_goes_on(ready: tuple[Workspace, int, int],  # noqa: F811
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    ws, version_id, base_id = ready
    config = TrainingConfig(max_steps=60, batch_size=1, max_length=96, checkpoint_every=1, seed=3)
    run = ws.training.create(version_id, base_id, config)
    starter, worker_pid = _starter(ws, run.id, "attached", "start")
    try:
        _wait_for_step(run.run_dir, 2)
        info = ws.training.get(run.id)
        assert info.status == "running" and info.worker is not None
        assert info.worker.pid == worker_pid and info.worker.program == WORKER and not info.detached
        for second_try in (ws.training.start, ws.training.resume):  # another instance: refused, named
            with pytest.raises(AirlockError, match=f"already has a worker: training worker of .* \\(pid {worker_pid}"):
                second_try(run.id)
        starter.send_signal(signal.SIGKILL)  # the window that started it is killed
        starter.wait(10)
        _wait(lambda: ws.training.get(run.id).status != "running", timeout=300)
    finally:
        starter.kill()
    stopped = ws.training.get(run.id)
    assert stopped.status == "cancelled" and stopped.error == PARENT_GONE
    assert stopped.result()["last_checkpoint"] and checkpoints(run.run_dir)
    _wait(lambda: _ended(worker_pid), timeout=60)
    assert ws.training.get(run.id).worker is None
    assert ws.audit.entries(subject=f"training_run:{run.id}", action="training.cancelled")[0].details["error"] \
        == PARENT_GONE

    # resumed detached from another window, which is then killed: the run goes on by itself
    starter, worker_pid = _starter(ws, run.id, "detached", "resume")
    try:
        _wait(lambda: ws.training.get(run.id).status == "running", timeout=300)
        step_before = _last_step(run.run_dir)
        starter.send_signal(signal.SIGKILL)
        starter.wait(10)
        _wait(lambda: _last_step(run.run_dir) >= step_before + 1, timeout=300)
        info = ws.training.get(run.id)
        assert info.status == "running" and info.detached and info.worker is not None
        assert info.worker.program == DETACHED_WORKER and info.worker.pid == worker_pid
        assert main(["train", "status", "-w", str(ws.root), str(run.id)]) == 0
        assert f"detached: runs on its own, worker pid {worker_pid}" in capsys.readouterr().out
        assert ws.audit.entries(subject=f"training_run:{run.id}", action="training.started")[0].details["detached"]
        assert main(["train", "cancel", "-w", str(ws.root), str(run.id)]) == 0
        _wait(lambda: ws.training.get(run.id).status == "cancelled", timeout=300)
        assert ws.training.get(run.id).error is None  # cancelled by the person, not orphaned
    finally:
        starter.kill()
        if not _ended(worker_pid):
            os.kill(worker_pid, signal.SIGKILL)


def _last_step(run_dir: object) -> int:
    events, _ = read_events(run_dir)  # type: ignore[arg-type]
    return max((e.step for e in events if isinstance(e, Step)), default=0)
