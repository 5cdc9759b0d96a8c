"""Rule 1 of the architecture: the engine never imports Qt or the desktop.

In a fresh interpreter, PySide6, shiboken6 and desktop are made unimportable,
then every module under engine/ (migrations aside) is imported. A module that
reaches for Qt fails loudly; one that only lacks an optional third-party
package (a CUDA-only backend, say) is not this test's business.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import importlib, json, pkgutil, sys

BLOCKED = ("PySide6", "shiboken6", "desktop")
MARK = "blocked for the engine"

class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is {MARK}: engine must not import Qt or desktop")
        return None

sys.meta_path.insert(0, BlockQt())

import engine

def caused_by_block(exc):
    while exc is not None:
        if MARK in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False

names, qt, missing, broken = [], [], [], []

def note(name, exc):
    if caused_by_block(exc):
        qt.append(f"{name}: {exc}")
    elif isinstance(exc, ModuleNotFoundError) and exc.name and exc.name.split(".")[0] != "engine":
        missing.append(f"{name}: needs {exc.name}")
    else:
        broken.append(f"{name}: {type(exc).__name__}: {exc}")

for info in pkgutil.walk_packages(engine.__path__, "engine.", onerror=lambda n: None):
    if info.name.startswith("engine.store.migrations"):
        continue
    names.append(info.name)
    try:
        importlib.import_module(info.name)
    except BaseException as exc:
        note(info.name, exc)

leaked = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
print(json.dumps({"names": names, "qt": qt, "missing": missing, "broken": broken, "leaked": leaked}))
"""


def test_every_engine_module_imports_without_qt() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home()),
                                            "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert "engine.workspace" in report["names"] and "engine.documents.listing" in report["names"]
    assert report["qt"] == [], "engine modules import Qt or desktop:\n" + "\n".join(report["qt"])
    assert report["leaked"] == []
    assert report["broken"] == [], "engine modules fail to import:\n" + "\n".join(report["broken"])
