"""Wall time of each stage of the demo loop, from the audit log's own timestamps.

    .venv/bin/python bench/demo_loop.py [--quick]

Runs `airlock demo` on a fresh temporary workspace, then reads when each stage's
first and last audit events were written, and prints the stage durations and the
result table. Nothing here is timed by the test suite.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = [
    ("import + PII redaction", "workspace.created", "pii.redacted"),
    ("examples + freeze", "pii.redacted", "dataset.frozen"),
    ("training (worker process)", "training.created", "training.succeeded"),
    ("merge->GGUF->quantize->smoke test", "training.succeeded", "model.artifact_registered"),
    ("evaluation (all models)", "model.artifact_registered", "demo.completed"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from engine.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        cmd = [sys.executable, "-m", "engine.cli", "demo", "--quiet", "--workspace", str(root)]
        if args.quick:
            cmd.append("--quick")
        start = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
        total = time.perf_counter() - start
        with Workspace.open(root) as ws:
            events = ws.audit.entries(limit=100000, newest_first=False)
        def when(action: str, last: bool) -> datetime:
            stamps = [e.ts for e in events if e.action == action]
            return datetime.fromisoformat((stamps[-1] if last else stamps[0]).rstrip("Z"))
        print(f"demo ({'quick' if args.quick else 'full'} settings), 2 CPU threads: total {total:.0f} s")
        for name, first, last in STAGES:
            print(f"  {name:<36} {(when(last, True) - when(first, False)).total_seconds():6.1f} s")
        print(out.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
