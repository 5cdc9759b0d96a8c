"""Real second processes for the lease tests: one that has a workspace open in a "window", one
that holds a training run's worker lease, as another Airlock instance would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HOLD_WORKSPACE = """
import sys, time
from pathlib import Path
from engine.workspace import Workspace
ws = Workspace.open(Path(sys.argv[1]))
ws.hold("an Airlock window")
print("held", flush=True)
time.sleep(600)
"""

HOLD_RUN = """
import sys, time
from pathlib import Path
from engine.store.lease import Lease
lease = Lease.take(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "training worker")
print("held", flush=True)
time.sleep(600)
"""


def child_env() -> dict[str, str]:
    """The suite's environment (child processes act as its test user), with the project importable."""
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": path if str(ROOT) in path.split(os.pathsep) else
            os.pathsep.join(p for p in (path, str(ROOT)) if p)}


def start_holder(script: str, target: Path, *args: str) -> subprocess.Popen[str]:
    """A process that takes the lease and keeps it until killed (``args``: the script's own)."""
    proc = subprocess.Popen([sys.executable, "-c", script, str(target), *args], cwd=ROOT, env=child_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "held":
        proc.kill()
        raise AssertionError(f"the holder did not start: {line} {proc.communicate()[1]}")
    return proc


def kill(proc: subprocess.Popen[str]) -> None:
    proc.kill()
    proc.communicate(timeout=30)
    time.sleep(0.05)
