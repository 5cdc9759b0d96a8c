"""The desktop app started as a program is sealed, and its status bar says so (or says why not)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

WINDOW = r"""
import json, sys
from engine import offline, seal
seal.seal_process()
offline.install_guard()
from desktop.qt import QApplication
from desktop.app import configure
from desktop.main_window import MainWindow
app = QApplication(sys.argv[:1])
configure(app)
win = MainWindow()
win.resize(1280, 800)
win.show()
app.processEvents()
win.status.update_network()
label = win.status.network_label
win.status.grab().save(sys.argv[1])
print(json.dumps({"text": label.text(), "state": label.property("state"), "tooltip": label.toolTip()}))
"""


def _window(shot: Path, **env: str) -> dict[str, str]:
    proc = subprocess.run([sys.executable, "-c", WINDOW, str(shot)], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env=dict(os.environ, QT_QPA_PLATFORM="offscreen", **env))
    assert proc.returncode == 0, proc.stderr
    result: dict[str, str] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="network namespaces are Linux only")
def test_the_sealed_app_shows_it_is_sealed(artifacts_dir: Path) -> None:
    shown = _window(artifacts_dir / "status_bar_sealed.png")
    assert shown["text"] == "● Offline — sealed, network blocked (0 attempts refused)"
    assert shown["state"] == "ok"
    assert shown["tooltip"].startswith("Sealed by the kernel: Airlock and every process it starts run in a private")


def test_an_unsealed_app_says_it_has_only_the_python_guard(artifacts_dir: Path) -> None:
    shown = _window(artifacts_dir / "status_bar_unsealed.png", AIRLOCK_SEAL="0")
    assert shown["text"] == "▲ Offline — Python guard only, not sealed (0 attempts refused)"
    assert shown["state"] == "partial"
    assert shown["tooltip"].startswith("Not sealed by the kernel: turned off by AIRLOCK_SEAL=0. Only Python's")
