"""How long one full Python garbage collection stops the window, with Airlock's freezing of
long-lived objects (desktop/pauses.py) against the interpreter's default, in the same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/gc_pauses.py [WORKSPACE]

The real main window opens WORKSPACE (default: a fresh copy of the demo workspace), shows every
page, then runs PII detection as a job (loading presidio and spaCy into the process). After
each stage, a full collection is timed twice: as the app leaves the collector ("airlock":
long-lived objects frozen) and with everything unfrozen ("default": what Python does when
nobody freezes anything), best of 3 each. A full collection runs on whichever thread is
allocating when it falls due (usually the GUI thread), so its length is a window stall.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def full_collection_ms() -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        gc.collect()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def compare(stage: str) -> dict[str, object]:
    from desktop import pauses

    ours, walked = full_collection_ms(), pauses.walked_by_a_full_collection()
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    default, tracked = full_collection_ms(), pauses.walked_by_a_full_collection()
    gc.freeze()  # back as the app had it (everything walked just now survived)
    row = {"stage": stage, "objects_tracked": tracked, "walked_airlock": walked, "frozen": frozen,
           "full_gc_ms_airlock": round(ours, 2), "full_gc_ms_default": round(default, 2),
           "ratio": round(ours / default, 4)}
    print(json.dumps(row), flush=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", nargs="?", type=Path)
    args = parser.parse_args()

    from training_gui_stall import wait

    from desktop.app import configure
    from desktop.jobs import Job
    from desktop.main_window import MainWindow
    from desktop.qt import QApplication
    from engine import offline

    offline.install_guard()
    app = QApplication(sys.argv[:1])
    configure(app)
    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow()
        window.resize(1280, 800)
        window.show()
        workspace = args.workspace or Path(tmp) / "demo"
        if args.workspace is None:
            from engine.demo import open_demo_workspace

            open_demo_workspace(workspace).close()
        window.open_workspace(workspace)
        wait(120, lambda: window.ws is not None and not window.runner.running())
        compare("workspace open")
        for row in range(window.nav.count()):
            window.nav.setCurrentRow(row)
            wait(30, lambda: not window.runner.running())
            wait(1)
        compare("every page shown")

        def detect(ctx: object) -> int:
            from engine.privacy.detector import detect

            return len(detect("Call Jane Doe on 0161 496 0000 about the boiler at 4 Elm Road, Leeds."))

        job = Job(detect, "PII detection").run(window.runner)
        wait(300, lambda: job.done)
        compare("after PII detection (presidio + spaCy loaded)")
        window.close()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # skip interpreter finalization: PySide6 can crash collecting Qt objects at exit
