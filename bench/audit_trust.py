"""What compliance trust costs: the anchor append per commit, the role check per audit event, and
file-name redaction per imported file.

    .venv/bin/python bench/audit_trust.py [--commits 400] [--names 200]

1. Commits: N one-event transactions (the shape of a label save) through `Workspace.unit` +
   `audit.record`, Airlock as shipped (role check + anchor append with fsync) against the same log
   with the anchor switched off and the role check bypassed, alternated in rounds, median of rounds.
2. Names: `NameRedactor` over N distinct file names against bare `engine.privacy.detect` on the same
   names (the analyzer loaded once before either is timed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("AIRLOCK_STATE_DIR", tempfile.mkdtemp(prefix="airlock-bench-state-"))  # not $HOME


def commits(n: int, rounds: int = 5) -> None:
    from engine import members
    from engine.workspace import Workspace

    ws = Workspace.create(Path(tempfile.mkdtemp()) / "ws")
    anchor = ws.audit.anchor

    def burst() -> float:
        start = time.perf_counter()
        for i in range(n):
            with ws.unit() as s:
                ws.audit.record(s, "bench.event", f"item:{i}", {"i": i})
        return (time.perf_counter() - start) / n * 1000

    ours, bare = [], []
    for _ in range(rounds):
        ws.audit.anchor = anchor
        ours.append(burst())
        ws.audit.anchor = None
        with mock.patch.object(members, "check_role", lambda s, user, work, doing=None: "admin"):
            bare.append(burst())
    ws.audit.anchor = anchor
    o, b = statistics.median(ours), statistics.median(bare)
    print(f"commit with one audit event: airlock {o:.2f} ms, without anchor + role check {b:.2f} ms, "
          f"ratio {o / b:.2f} ({n} commits x {rounds} rounds, median)")
    ws.close()


def names(n: int) -> None:
    from engine.file_names import NameRedactor
    from engine.privacy import detect
    from engine.workspace import Workspace

    ws = Workspace.create(Path(tempfile.mkdtemp()) / "ws2")
    sample = [f"{who} {what} {i}.pdf" for i, (who, what) in enumerate(
        [("Anna Schmidt", "sick note"), ("report", "line"), ("Jonas Weber", "invoice"), ("pump", "manual")] * n)][:n]
    detect("warm up the analyzer Anna Schmidt")
    start = time.perf_counter()
    for name in sample:
        detect(name)
    bare = (time.perf_counter() - start) / n * 1000
    redactor = NameRedactor(ws.privacy)
    start = time.perf_counter()
    for name in sample:
        redactor(name)
    ours = (time.perf_counter() - start) / n * 1000
    print(f"file name redaction: airlock {ours:.2f} ms per name, bare presidio detect {bare:.2f} ms, "
          f"ratio {ours / bare:.2f} ({n} distinct names)")
    ws.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=400)
    parser.add_argument("--names", type=int, default=200)
    args = parser.parse_args()
    commits(args.commits)
    names(args.names)
