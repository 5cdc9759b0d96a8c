"""The window comes up without loading heavy libraries (or even the database layer)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = r"""
import json, sys
from engine import offline
offline.install_guard()
from desktop.qt import QApplication
from desktop.app import configure
from desktop.main_window import MainWindow
app = QApplication([])
configure(app)
window = MainWindow()
window.show()
app.processEvents()
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
window.close()
"""
HEAVY = {"torch", "transformers", "peft", "trl", "presidio_analyzer", "llama_cpp", "spacy", "unsloth"}


def test_the_window_shows_without_heavy_imports(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
           "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "PySide6" in loaded
    assert loaded.isdisjoint(HEAVY), loaded & HEAVY
    assert "sqlalchemy" not in loaded and "alembic" not in loaded  # the workspace opens after the window
