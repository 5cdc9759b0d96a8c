"""One worker per training run, and workers that stop when the process that started them is gone.

Fast: real processes and real OS locks, no training (the run rows are stored directly; the real
worker's end-to-end behaviour is in test_training_orphans.py, which trains)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.cli import main
from engine.clock import now
from engine.identity import current_os_user
from engine.store import models as m
from engine.training.parent_watch import PARENT_ENV
from engine.training.spec import WORKER_LEASE_FILE
from engine.workspace import Workspace
from tests.engine.lease_holders import HOLD_RUN, ROOT, child_env, kill, start_holder


def _run_row(ws: Workspace, status: str) -> int:
    """A training run as stored, without a model or data behind it (nothing here trains)."""
    with ws.unit() as s:
        task = m.Task(name="t", kind="classification", spec="{}", system_prompt="", user_template="{input}",
                      created_at=now())
        s.add(task)
        s.flush()
        version = m.DatasetVersion(task_id=task.id, name="v1", seed=1, content_hash="0" * 64, stats="{}",
                                   created_by="tester", created_at=now())
        base = m.BaseModel(name="b", path="/nonexistent", format="hf", sha256="1" * 64, architecture="llama",
                           registered_at=now())
        s.add_all([version, base])
        s.flush()
        run = m.TrainingRun(dataset_version_id=version.id, base_model_id=base.id, config="{}", status=status,
                            run_dir="", created_by="tester", created_at=now())
        s.add(run)
        s.flush()
        run.run_dir = str(ws.run_dir("training", f"run-{run.id:04d}"))
        return run.id


def test_a_second_worker_on_a_run_is_refused_naming_the_first(workspace: Workspace,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    run_id = _run_row(workspace, "failed")
    run_dir = workspace.training.get(run_id).run_dir
    worker = start_holder(HOLD_RUN, run_dir / WORKER_LEASE_FILE)  # another instance's worker on this run
    try:
        with pytest.raises(Exception, match=f"training run {run_id} already has a worker: training worker of "
                                            f"{current_os_user()} on .* \\(pid {worker.pid}\\) since "):
            workspace.training.resume(run_id)
        assert main(["train", "resume", "-w", str(workspace.root), str(run_id)]) == 2  # as the CLI says it
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"already has a worker: training worker of {current_os_user()}" in err
        assert f"(pid {worker.pid})" in err and f"airlock train cancel {run_id}" in err
        with workspace.unit() as s:  # a queued run cannot be started twice either
            s.get_one(m.TrainingRun, run_id).status = "queued"
        with pytest.raises(Exception, match="already has a worker"):
            workspace.training.start(run_id)
        # nothing was changed by the refused attempts
        assert workspace.training.get(run_id).status == "queued"
        assert not workspace.audit.entries(action="training.resumed")
        info = workspace.training.get(run_id)
        assert info.worker is not None and info.worker.pid == worker.pid and not info.detached
    finally:
        kill(worker)
    assert workspace.training.get(run_id).worker is None  # the kernel let go of it with the process


def test_a_run_marked_running_whose_worker_holds_no_lease_is_dead(workspace: Workspace) -> None:
    """The lease, not a pid that may have been reused, says whether a worker lives."""
    run_id = _run_row(workspace, "running")
    run_dir = workspace.training.get(run_id).run_dir
    worker = start_holder(HOLD_RUN, run_dir / WORKER_LEASE_FILE)
    with workspace.unit() as s:
        s.get_one(m.TrainingRun, run_id).pid = os.getpid()  # a live pid: the old check believed it
    other = Workspace.open(workspace.root)  # another instance, which did not start the worker
    try:
        assert other.training.check_alive(run_id).status == "running"
        kill(worker)
        final = other.training.check_alive(run_id)
        assert final.status == "failed" and final.error is not None and "ended unexpectedly" in final.error
    finally:
        other.close()


PARENT = r"""
import os, subprocess, sys, threading, time
child, log = sys.argv[1], sys.argv[3]
env = dict(os.environ)
if sys.argv[2] == "attached":
    env["{parent_env}"] = str(os.getpid())
started = []
def start():  # as the desktop does: from a job thread that ends soon after
    started.append(subprocess.Popen([sys.executable, "-c", child, log], env=env, start_new_session=True))
t = threading.Thread(target=start)
t.start()
t.join()
print(started[0].pid, flush=True)
time.sleep(600)
""".replace("{parent_env}", PARENT_ENV)

CHILD = r"""
import sys, time
from engine.training.parent_watch import watch_from_environment
log = open(sys.argv[1], "a")
watch = watch_from_environment(lambda: print("parent gone", file=log, flush=True))
print("watching" if watch else "detached", watch.signal_armed if watch else "-", file=log, flush=True)
if watch is None:
    time.sleep(600)
watch.gone.wait(600)
"""


def _start_parent(tmp_path: Path, mode: str) -> tuple[subprocess.Popen[str], int, Path]:
    log = tmp_path / f"child-{mode}.log"
    parent = subprocess.Popen([sys.executable, "-c", PARENT, CHILD, mode, str(log)], cwd=ROOT, env=child_env(),
                              stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    return parent, int(parent.stdout.readline()), log


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie has ended
        return fh.read().split(") ", 1)[1][0] != "Z"


def _wait_for(check: object, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_a_watched_child_outlives_the_starting_thread_but_not_a_killed_parent(tmp_path: Path) -> None:
    parent, child_pid, log = _start_parent(tmp_path, "attached")
    try:
        assert _wait_for(lambda: log.is_file() and "watching" in log.read_text())
        assert log.read_text().split()[1] == ("True" if sys.platform.startswith("linux") else "False")
        time.sleep(1.5)  # the thread that started it has ended (the kernel signalled): it keeps going
        assert _alive(child_pid) and "parent gone" not in log.read_text()
        t0 = time.monotonic()
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        assert _wait_for(lambda: "parent gone" in log.read_text(), timeout=10)
        assert _wait_for(lambda: not _alive(child_pid), timeout=10)
        assert time.monotonic() - t0 < 10
    finally:
        parent.kill()
        if _alive(child_pid):
            os.kill(child_pid, signal.SIGKILL)


def test_a_detached_child_outlives_a_killed_parent(tmp_path: Path) -> None:
    parent, child_pid, log = _start_parent(tmp_path, "detached")
    try:
        assert _wait_for(lambda: log.is_file() and "detached" in log.read_text())
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        time.sleep(2.5)  # more than a poll and the signal's delivery
        assert _alive(child_pid) and "parent gone" not in log.read_text()
    finally:
        parent.kill()
        if _alive(child_pid):
            os.kill(child_pid, signal.SIGKILL)
