"""A second Airlock window on a workspace another one has open: a clear message naming who, where
and since when; nothing opened; the first window's lease intact."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from engine.identity import current_os_user
from engine.workspace import Workspace
from tests.engine.lease_holders import HOLD_WORKSPACE, kill, start_holder


def test_the_second_window_is_told_who_has_the_workspace(window: Any, qtbot: Any, tmp_path: Path,
                                                          shown_errors: list[tuple[str, str]],
                                                          artifacts_dir: Path) -> None:
    with Workspace.create(tmp_path / "ws"):
        pass
    holder = start_holder(HOLD_WORKSPACE, tmp_path / "ws")  # the first window, in its own process
    try:
        window.open_workspace(tmp_path / "ws")
        qtbot.waitUntil(lambda: bool(shown_errors), timeout=20000)
        title, message = shown_errors[0]
        assert title == "Workspace in use"
        assert (f"is open in another window: an Airlock window of {current_os_user()} on {socket.gethostname()} "
                f"(pid {holder.pid}) since ") in message
        assert window.ws is None  # nothing was opened behind the message
        _screenshot(window, title, message, artifacts_dir / "second_window_refused.png")
    finally:
        kill(holder)
    shown_errors.clear()
    window.open_workspace(tmp_path / "ws")  # once the first window is gone, it opens
    qtbot.waitUntil(lambda: window.ws is not None or bool(shown_errors), timeout=20000)
    assert not shown_errors and window.ws is not None
    holder_now = window.ws.holder()
    assert holder_now is not None and holder_now.program == "an Airlock window"
    opened = window.ws
    window.open_workspace(tmp_path / "ws")  # opening it again in the same window is no second window
    qtbot.wait(200)
    assert not shown_errors and window.ws is opened


def _screenshot(window: Any, title: str, message: str, path: Path) -> None:
    """The message box as the user sees it (dialogs.show_error builds it this way)."""
    from desktop.qt import QMessageBox

    box = QMessageBox(window)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(title)
    box.setInformativeText(message)
    box.show()
    box.grab().save(str(path))
    box.close()
