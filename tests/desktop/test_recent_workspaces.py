"""Recent workspaces persist in the user's config folder; folders that are gone are pruned."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from desktop import recent
from engine.workspace import Workspace


def make(tmp_path: Path, name: str) -> Path:
    with Workspace.create(tmp_path / name) as ws:
        return ws.root


def test_remembered_most_recent_first_and_persisted(tmp_path: Path, _config_in_tmp: Path) -> None:
    a, b = make(tmp_path, "a"), make(tmp_path, "b")
    recent.remember_workspace(a)
    recent.remember_workspace(b)
    recent.remember_workspace(a)
    assert recent.recent_workspaces() == [a, b]
    stored = json.loads((_config_in_tmp / recent.RECENT_FILE).read_text())
    assert stored == {"workspaces": [str(a), str(b)]}


def test_missing_folders_are_pruned(tmp_path: Path, _config_in_tmp: Path) -> None:
    a, b = make(tmp_path, "a"), make(tmp_path, "b")
    recent.remember_workspace(a)
    recent.remember_workspace(b)
    shutil.rmtree(b)
    assert recent.recent_workspaces() == [a]
    stored = json.loads((_config_in_tmp / recent.RECENT_FILE).read_text())
    assert stored == {"workspaces": [str(a)]}


def test_a_damaged_file_is_an_empty_list(_config_in_tmp: Path) -> None:
    _config_in_tmp.mkdir(parents=True)
    (_config_in_tmp / recent.RECENT_FILE).write_text("{not json")
    assert recent.recent_workspaces() == []


def test_the_list_is_bounded(tmp_path: Path) -> None:
    roots = [make(tmp_path, f"ws{i}") for i in range(recent.MAX_RECENT + 2)]
    for root in roots:
        recent.remember_workspace(root)
    assert recent.recent_workspaces() == list(reversed(roots))[: recent.MAX_RECENT]


def test_the_window_remembers_and_offers_recent_workspaces(window: Any, workspace: Any) -> None:
    window._fill_recent_menu()
    assert [a.text() for a in window.recent_menu.actions()] == ["No recent workspaces"]
    window.set_workspace(workspace)
    assert recent.recent_workspaces() == [workspace.root]
    window._fill_recent_menu()
    texts = [a.text() for a in window.recent_menu.actions() if not a.isSeparator()]
    assert texts == [str(workspace.root), "Clear list"]
