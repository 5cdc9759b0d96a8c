"""Installs Airlock's socket guard in a Python child before its own code runs.

engine/offline.py puts this folder first on PYTHONPATH and sets AIRLOCK_OFFLINE_GUARD=1, so every
Python process started from a guarded one imports this module at start-up (Python's `site` does).
A sitecustomize that this folder hides is still run afterwards.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from typing import Any

_HERE = os.path.dirname(os.path.abspath(__file__))


def _install() -> None:
    if os.environ.get("AIRLOCK_OFFLINE_GUARD") != "1":
        return
    own = os.path.join(os.path.dirname(_HERE), "offline.py")
    module: Any = None
    with contextlib.suppress(ImportError):
        from engine import offline as module
    if module is None or os.path.abspath(module.__file__ or "") != own:
        # Another interpreter (or another `engine` first on its path): load our guard by its file.
        spec = importlib.util.spec_from_file_location("_airlock_offline", own)
        if spec is None or spec.loader is None:
            return
        module = importlib.util.module_from_spec(spec)
        sys.modules["_airlock_offline"] = module
        spec.loader.exec_module(module)
    module.install_guard()


def _chain() -> None:
    """Run the sitecustomize we shadow, if the interpreter has one."""
    rest = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        spec = find("sitecustomize", rest) if find else None
        if spec is not None and spec.origin and os.path.dirname(os.path.abspath(spec.origin)) != _HERE:
            module = importlib.util.module_from_spec(spec)
            if spec.loader is not None:
                spec.loader.exec_module(module)
            return


_install()
_chain()
