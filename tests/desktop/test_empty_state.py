"""With no workspace open every page offers a way in; opening errors become clear dialogs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop import dialogs
from desktop.main_window import NAV_NAMES
from desktop.qt import QAction, Qt


def test_every_page_shows_the_empty_state(window: Any, artifacts_dir: Path) -> None:
    assert window.ws is None and window.windowTitle() == "Airlock"
    assert not window.close_action.isEnabled()
    for i, page in enumerate(window.pages.values()):
        window.nav.setCurrentRow(i)
        assert page.showing_empty_state
        assert page.empty_state.isVisible()
        assert page.empty_state.demo_button.text() == "Open demo workspace"
    screens = artifacts_dir / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    window.nav.setCurrentRow(0)
    assert window.grab().save(str(screens / "empty.png"))


def test_new_workspace_from_the_empty_state(window: Any, qtbot: Any, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "claims-triage"
    monkeypatch.setattr(dialogs, "choose_new_workspace_folder", lambda parent, start=None: target)
    window.pages["documents"].empty_state.new_button.click()
    qtbot.waitUntil(lambda: window.ws is not None, timeout=10000)
    assert window.ws.root == target.resolve()
    assert not any(page.showing_empty_state for page in window.pages.values())
    assert window.pages["home"].cards["documents"].value == "0"


def test_a_folder_that_is_not_a_workspace_is_explained(window: Any, qtbot: Any, tmp_path: Path,
                                                       shown_errors: list[tuple[str, str]],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dialogs, "choose_workspace_folder", lambda parent, start=None: tmp_path)
    window.pages["home"].empty_state.open_button.click()
    qtbot.waitUntil(lambda: bool(shown_errors), timeout=10000)
    title, message = shown_errors[0]
    assert title == "Not an Airlock workspace"
    assert str(tmp_path) in message
    assert window.ws is None


def test_a_non_empty_folder_is_refused_for_a_new_workspace(window: Any, tmp_path: Path,
                                                           shown_errors: list[tuple[str, str]],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    monkeypatch.setattr(dialogs, "choose_new_workspace_folder", lambda parent, start=None: tmp_path)
    window.new_workspace()
    assert shown_errors and shown_errors[0][0] == "Cannot create a workspace here"
    assert window.ws is None


def test_a_locked_workspace_is_explained(window: Any, qtbot: Any, tmp_path: Path,
                                         shown_errors: list[tuple[str, str]],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.errors import WorkspaceLocked
    from engine.workspace import Workspace

    def locked(cls: Any, root: Path, role: str | None = None) -> Any:
        raise WorkspaceLocked(root / "airlock.db")

    monkeypatch.setattr(Workspace, "open", classmethod(locked))
    window.open_workspace(tmp_path)
    qtbot.waitUntil(lambda: bool(shown_errors), timeout=10000)
    assert shown_errors[0][0] == "Workspace in use"
    assert "locked by another process" in shown_errors[0][1]


def test_closing_the_workspace_returns_to_the_empty_state(window: Any, workspace: Any) -> None:
    window.set_workspace(workspace)
    assert not window.pages["audit"].showing_empty_state
    window.close_action.trigger()
    assert window.ws is None
    assert all(page.showing_empty_state for page in window.pages.values())


def test_keyboard_shortcuts(window: Any, qtbot: Any) -> None:
    shortcuts = {a.text(): a.shortcut().toString() for a in window.findChildren(QAction)}
    assert shortcuts["&New workspace…"] == "Ctrl+N"
    assert shortcuts["&Open workspace…"] == "Ctrl+O"
    assert shortcuts["&Quit"] == "Ctrl+Q"
    assert [shortcuts[name] for name in NAV_NAMES] == [f"Ctrl+{i}" for i in range(1, 9)]
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page().key == "training"
    qtbot.keyClick(window, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page().key == "audit"
