"""Recently opened workspaces, kept in a small JSON file in the user's config folder.

Folders that no longer hold a workspace are pruned whenever the list is read.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

RECENT_FILE = "recent-workspaces.json"
MAX_RECENT = 10


def config_dir() -> Path:
    """The per-user config folder (tests point this at a temporary folder)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("airlock", appauthor=False))


def _recent_path() -> Path:
    return config_dir() / RECENT_FILE


def _is_workspace(path: Path) -> bool:
    from engine.workspace import Workspace

    return Workspace.exists(path)


def _read() -> list[str]:
    try:
        data = json.loads(_recent_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    entries = data.get("workspaces", []) if isinstance(data, dict) else []
    return [e for e in entries if isinstance(e, str)]


def _write(paths: list[Path]) -> None:
    target = _recent_path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"workspaces": [str(p) for p in paths]}, indent=2)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".recent-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
        os.replace(tmp, target)
    except OSError:
        pass  # a read-only config folder must never stop the app


def recent_workspaces() -> list[Path]:
    """Most recent first; folders that are gone (or no longer workspaces) are dropped."""
    stored = [Path(p) for p in _read()]
    alive = [p for p in stored if _is_workspace(p)]
    if len(alive) != len(stored):
        _write(alive)
    return alive


def remember_workspace(path: Path) -> list[Path]:
    path = path.expanduser().resolve()
    paths = [path] + [p for p in recent_workspaces() if p != path]
    paths = paths[:MAX_RECENT]
    _write(paths)
    return paths


def forget_workspace(path: Path) -> list[Path]:
    path = path.expanduser().resolve()
    paths = [p for p in recent_workspaces() if p != path]
    _write(paths)
    return paths


def clear_recent() -> None:
    _write([])
