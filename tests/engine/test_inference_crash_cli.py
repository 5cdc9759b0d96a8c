"""`airlock chat` and `airlock extract` when the inference process dies mid-answer: one clear line,
no traceback, nothing stored lost, the crash in the audit log, and the next turn answered."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from engine.paths import demo_model_path
from engine.workspace import Workspace

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def own_state(copied_machine_state: Path) -> None:
    """A crash marks the runtime settings bad for the machine: keep that out of the suite's state."""


@pytest.fixture
def console_ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    ws = Workspace.create(root)
    model = demo_model_path()
    assert model is not None
    shutil.copyfile(model, tmp_path / "demo.gguf")
    base = ws.models.ensure_demo_model()
    ws.models.add_artifact("demo-chat", "gguf", tmp_path / "demo.gguf", "Q4_1", None, base.id, "copy")
    task = ws.tasks.create("Fault fields", "extraction",
                    {"schema": {"type": "object", "required": ["category"], "properties": {
                        "category": {"enum": ["electrical", "mechanical", "hydraulic"]}}}},
                           "Extract the fault category as JSON.", "Report:\n{input}")
    (tmp_path / "task-id").write_text(str(task.id))
    ws.close()
    return root


def inference_children(pid: int) -> list[psutil.Process]:
    return [p for p in psutil.Process(pid).children(recursive=True)
            if "engine.inference.host" in " ".join(p.cmdline())]


def read_until(proc: subprocess.Popen[bytes], predicate: object, timeout: float) -> bytes:
    """Read the child's stdout until ``predicate(bytes so far)`` holds."""
    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    got = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not predicate(got):  # type: ignore[operator]
        if sel.select(timeout=1):
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            got += chunk
    return got


def audit(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine.cli", "audit", *args, "--workspace", str(root)],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSEGV])
def test_chat_goes_on_after_the_runtime_dies_mid_answer(console_ws: Path, sig: signal.Signals) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "chat", "--workspace", str(console_ws),
                             "--max-tokens", "400"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdin is not None
    try:
        proc.stdin.write(b"Tell me a long story about a factory.\n")
        proc.stdin.flush()
        assert len(read_until(proc, lambda b: len(b) > 20, 300)) > 20  # the answer is streaming
        children = inference_children(proc.pid)
        assert len(children) == 1
        os.kill(children[0].pid, sig)
        out, err = proc.communicate(b"What does a fuse do?\n\n", timeout=300)
    finally:
        proc.kill()
    stderr = err.decode()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "the inference runtime" in stderr and sig.name in stderr and "try again" in stderr
    assert out.decode().strip()  # the second question was answered by a restarted runtime
    r = audit(console_ws, "verify")
    assert r.returncode == 0, r.stdout + r.stderr
    r = audit(console_ws, "show", "--action", "inference.crashed", "--json")
    assert r.returncode == 0 and len([ln for ln in r.stdout.splitlines() if ln.strip().startswith("{")] or
                                     json.loads(r.stdout or "[]")) >= 1


def test_extract_fails_with_one_line_and_the_workspace_intact(console_ws: Path, tmp_path: Path) -> None:
    (tmp_path / "report.txt").write_text("On the press line the hydraulic pump leaks oil again.")
    env = {**os.environ, "AIRLOCK_TEST_INFERENCE_FAULT": json.dumps({"kind": "segv", "op": "score"})}
    r = subprocess.run([sys.executable, "-m", "engine.cli", "extract", str(tmp_path / "report.txt"),
                        "--task", (tmp_path / "task-id").read_text(), "--workspace", str(console_ws)],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0, r.stderr
    assert "airlock: error: the inference runtime crashed while answering" in r.stderr
    assert "SIGSEGV" in r.stderr and "Traceback" not in r.stderr
    v = audit(console_ws, "verify")
    assert v.returncode == 0, v.stdout + v.stderr
