"""Starting the desktop app: offline guard first, then Qt, then the window, then the workspace.

The window is shown before the workspace is opened (that happens as a job), so
the app is on screen in about a second; heavy libraries load only when a page
needs them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from engine import offline

if TYPE_CHECKING:
    from desktop.main_window import MainWindow
    from desktop.qt import QApplication


def load_stylesheet() -> str:
    from engine.paths import RESOURCES

    try:
        text = (RESOURCES / "style.qss").read_text(encoding="utf-8")
    except OSError:
        return ""
    return text.replace("@ICONS@", (RESOURCES / "icons").as_posix())


def configure(app: QApplication) -> None:
    """Names, the Fusion style and our stylesheet (tests use this too, for real screenshots)."""
    app.setApplicationName("Airlock")
    app.setApplicationDisplayName("Airlock")
    app.setOrganizationName("Airlock")
    app.setStyle("Fusion")
    app.setStyleSheet(load_stylesheet())


def run_app(workspace: Path | None = None, demo: bool = False) -> int:
    offline.install_guard()
    from desktop.qt import QApplication, QTimer

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    configure(app)

    from desktop.main_window import MainWindow

    window = MainWindow()
    window.show()
    if workspace is None and not demo:
        from engine.paths import workspace_from_environment

        workspace = workspace_from_environment()  # as every `airlock` command does
    if demo:
        QTimer.singleShot(0, window.open_demo)
    elif workspace is not None:
        QTimer.singleShot(0, lambda: window.open_workspace(Path(workspace)))
    else:
        QTimer.singleShot(0, lambda: _open_last(window))
    return int(app.exec())


def _open_last(window: MainWindow) -> None:
    """Without a workspace argument or $AIRLOCK_WORKSPACE, reopen the most recent one (if any is left)."""
    from desktop import recent

    paths = recent.recent_workspaces()
    if paths:
        window.open_workspace(paths[0])
