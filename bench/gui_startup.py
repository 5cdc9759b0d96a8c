"""How long `airlock gui` takes from process start to a visible window, and to a loaded workspace.

    .venv/bin/python bench/gui_startup.py [--runs 5]

Each run starts a fresh interpreter that calls ``desktop.app.run_app`` on a
freshly created workspace (offscreen Qt unless a display is set) and reports
when the main window's first show event ran and when the workspace was on
screen; the parent measures both from just before it started the process.
Also lists any heavy library that was imported by then (there should be none).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "transformers", "peft", "trl", "presidio_analyzer", "llama_cpp", "spacy")

CHILD = r"""
import json, sys, time
from pathlib import Path
import desktop.main_window as mw
from desktop.app import run_app

stamps = {}
original_show, original_set = mw.MainWindow.showEvent, mw.MainWindow.set_workspace

def show_event(self, event):
    original_show(self, event)
    stamps.setdefault("shown", time.time())

def set_workspace(self, ws):
    original_set(self, ws)
    if ws is not None:
        from desktop.qt import QApplication, QTimer
        self.repaint()
        stamps["loaded"] = time.time()
        heavy = [m for m in %(heavy)r if m in sys.modules]
        print(json.dumps({**stamps, "heavy": heavy}), flush=True)
        QTimer.singleShot(0, QApplication.instance().quit)

mw.MainWindow.showEvent = show_event
mw.MainWindow.set_workspace = set_workspace
sys.exit(run_app(Path(sys.argv[1])))
"""


def one_run(workspace: Path) -> dict[str, float | list[str]]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = str(ROOT)
    env["XDG_CONFIG_HOME"] = str(workspace.parent / "config")  # keep the recent list out of yours
    start = time.time()
    done = subprocess.run([sys.executable, "-c", CHILD % {"heavy": HEAVY}, str(workspace)], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise SystemExit(f"the app did not start:\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return {"shown_s": report["shown"] - start, "loaded_s": report["loaded"] - start,
            "heavy": report["heavy"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "engine.cli", "init", "--workspace", f"{tmp}/ws"],
                       cwd=ROOT, check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        one_run(Path(tmp, "ws"))  # warm the OS file cache once
        runs = [one_run(Path(tmp, "ws")) for _ in range(args.runs)]
    shown = [float(r["shown_s"]) for r in runs]  # type: ignore[arg-type]
    loaded = [float(r["loaded_s"]) for r in runs]  # type: ignore[arg-type]
    heavy = sorted({m for r in runs for m in r["heavy"]})  # type: ignore[union-attr]
    print(f"window shown:     median {statistics.median(shown):.2f} s  (runs: "
          + ", ".join(f"{s:.2f}" for s in shown) + ")")
    print(f"workspace loaded: median {statistics.median(loaded):.2f} s  (runs: "
          + ", ".join(f"{s:.2f}" for s in loaded) + ")")
    print(f"heavy libraries imported by then: {', '.join(heavy) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
