"""The main window: navigation on the left, one page per part of the loop, menus, status bar."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import dialogs, pauses, recent
from desktop.audit.page import AuditPage
from desktop.changes import Changes
from desktop.console.page import ConsolePage
from desktop.datasets.page import DatasetsPage
from desktop.documents.page import DocumentsPage
from desktop.evaluation.page import EvaluationPage
from desktop.home.page import HomePage
from desktop.jobs import Job, JobRunner
from desktop.labelling.page import LabellingPage
from desktop.qt import (
    QAction,
    QCloseEvent,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from desktop.status_bar import AirlockStatusBar
from desktop.training.page import TrainingPage
from desktop.widgets.page import Page

if TYPE_CHECKING:
    from engine.jobs import JobContext
    from engine.workspace import Workspace

PAGE_CLASSES: list[type[Page]] = [HomePage, DocumentsPage, LabellingPage, DatasetsPage,
                                  TrainingPage, EvaluationPage, ConsolePage, AuditPage]
NAV_NAMES = ["Home", "Documents", "Labelling", "Datasets", "Training", "Evaluation", "Console", "Audit"]
SHUTDOWN_WAIT_S = 30.0


def held(ws: Workspace) -> Workspace:
    """The workspace, marked as open in this window: a second window (another Airlock started on
    the same workspace) is refused with a message naming who has it open, where and since when."""
    try:
        ws.hold("an Airlock window")
    except BaseException:
        ws.close()
        raise
    return ws


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.ws: Workspace | None = None
        self.runner = JobRunner(self)
        self.runner.unhandled_failure.connect(
            lambda kind, text: dialogs.show_error(self, "Something went wrong", f"{kind}: {text}"))
        self.runner.job_finished.connect(lambda job: self.route_changes(job.changes))
        self.setWindowTitle("Airlock")
        self.resize(1280, 800)
        self.setMinimumSize(960, 600)

        central = QWidget()
        central.setObjectName("Central")
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self._build_sidebar())
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}
        for cls in PAGE_CLASSES:
            page = cls(self.runner)
            page.navigate.connect(self.show_page)
            page.data_changed.connect(partial(self._page_changed, page))
            page.new_requested.connect(self.new_workspace)
            page.open_requested.connect(self.choose_and_open)
            page.demo_requested.connect(self.open_demo)
            self.stack.addWidget(page)
            self.pages[cls.key] = page
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status = AirlockStatusBar(self.runner)
        self.setStatusBar(self.status)
        self._build_menus()
        self.nav.setCurrentRow(0)
        self.set_workspace(None)

    # -- layout ------------------------------------------------------------------
    def _build_sidebar(self) -> QWidget:
        sidebar = QWidget()
        sidebar.setObjectName("Sidebar")
        sidebar.setFixedWidth(208)
        layout = QVBoxLayout(sidebar)
        layout.setContentsMargins(12, 18, 12, 14)
        layout.setSpacing(10)
        brand = QLabel("Airlock")
        brand.setObjectName("Brand")
        layout.addWidget(brand)
        tagline = QLabel("your model, offline")
        tagline.setObjectName("Tagline")
        layout.addWidget(tagline)
        layout.addSpacing(8)
        self.nav = QListWidget()
        self.nav.setObjectName("Nav")
        for i, name in enumerate(NAV_NAMES, start=1):
            self.nav.addItem(name)
            self.nav.item(i - 1).setToolTip(f"{name}  (Ctrl+{i})")
        self.nav.currentRowChanged.connect(self._on_nav)
        layout.addWidget(self.nav, 1)
        return sidebar

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&New workspace…", self.new_workspace, QKeySequence("Ctrl+N"))
        self._action(file_menu, "&Open workspace…", self.choose_and_open, QKeySequence("Ctrl+O"))
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._action(file_menu, "Open &demo workspace", self.open_demo)
        file_menu.addSeparator()
        self.close_action = self._action(file_menu, "&Close workspace", lambda: self.set_workspace(None))
        self._action(file_menu, "&Members…", self.open_members)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence("Ctrl+Q"))

        go_menu = self.menuBar().addMenu("&Go")
        for i, name in enumerate(NAV_NAMES):
            self._action(go_menu, name, partial(self.nav.setCurrentRow, i), QKeySequence(f"Ctrl+{i + 1}"))
        go_menu.addSeparator()
        self._action(go_menu, "&Refresh", self.refresh_current, QKeySequence.StandardKey.Refresh)

        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&About Airlock", lambda: dialogs.about(self))

    def _action(self, menu: QMenu, text: str, slot: Callable[[], Any],
                shortcut: QKeySequence | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = recent.recent_workspaces()
        for path in paths:
            self._action(self.recent_menu, str(path), partial(self.open_workspace, path))
        if not paths:
            self.recent_menu.addAction("No recent workspaces").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self._action(self.recent_menu, "Clear list", recent.clear_recent)

    # -- pages -------------------------------------------------------------------
    def show_page(self, key: str) -> None:
        self.nav.setCurrentRow(list(self.pages).index(key))

    def open_members(self) -> None:
        """Who may work in this workspace and in which role (admins change it)."""
        if self.ws is None:
            return
        from desktop.members_dialog import MembersDialog

        MembersDialog(self.ws, self).exec()
        self.route_changes(Changes.of("members", "audit"))

    def current_page(self) -> Page:
        page = self.stack.currentWidget()
        assert isinstance(page, Page)
        return page

    def _on_nav(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentIndex(row)  # the page reads the workspace as it is shown
            pauses.freeze_long_lived()  # and may have imported what it shows with

    def route_changes(self, changes: Changes, source: Page | None = None) -> None:
        """Hand what a job or a page changed to every page (but the page that made the change and
        refreshed itself): those that show it read again, at once if visible, when shown if not."""
        if not changes:
            return
        for page in self.pages.values():
            if page is not source:
                page.note_changes(changes)
        self.status.update_network()

    def _page_changed(self, page: Page, changes: Changes) -> None:
        self.route_changes(changes, source=page)

    def refresh_current(self) -> None:
        """Re-read what the visible page shows (the others read when they are shown)."""
        self.current_page().refresh()
        self.status.update_network()

    # -- workspaces --------------------------------------------------------------
    def set_workspace(self, ws: Workspace | None) -> None:
        previous = self.ws
        if previous is not None and previous is not ws:
            self.runner.cancel_all()
            self.runner.wait(SHUTDOWN_WAIT_S)
            previous.close()
        self.ws = ws
        self.setWindowTitle(f"Airlock — {ws.name}" if ws else "Airlock")
        self.close_action.setEnabled(ws is not None)
        self.status.set_workspace(ws)
        for page in self.pages.values():
            page.set_workspace(ws)
        if ws is not None:
            recent.remember_workspace(ws.root)

    def _open_with(self, name: str, opener: Callable[[JobContext], Workspace], path: Path | None) -> None:
        def failed(error: BaseException) -> None:
            title, message = dialogs.explain_open_error(error)
            if path is not None and not path.exists():
                recent.forget_workspace(path)
            dialogs.show_error(self, title, message)

        Job(opener, name).on_success(self.set_workspace).on_failure(failed).run(self.runner)

    def _is_open(self, path: Path) -> bool:
        """This window has ``path`` open already (opening it again would meet its own lease)."""
        return self.ws is not None and path.expanduser().resolve() == self.ws.root

    def open_workspace(self, path: Path) -> None:
        if self._is_open(path):
            self.refresh_current()
            return

        def open_existing(ctx: JobContext) -> Workspace:
            from engine.workspace import Workspace

            return held(Workspace.open(path))

        self._open_with(f"Opening {path.name}", open_existing, path)

    def create_workspace(self, path: Path) -> None:
        def create_new(ctx: JobContext) -> Workspace:
            from engine.workspace import Workspace

            return held(Workspace.create(path, name=path.name))

        self._open_with(f"Creating {path.name}", create_new, path)

    def open_demo(self) -> None:
        from engine.paths import demo_workspace

        if self._is_open(demo_workspace()):
            self.refresh_current()
            return

        def open_demo_workspace(ctx: JobContext) -> Workspace:
            from engine.demo import open_demo_workspace

            return held(open_demo_workspace(None))

        self._open_with("Opening the demo workspace", open_demo_workspace, None)

    def choose_and_open(self) -> None:
        folder = dialogs.choose_workspace_folder(self, self.ws.root.parent if self.ws else None)
        if folder is not None:
            self.open_workspace(folder)

    def new_workspace(self) -> None:
        folder = dialogs.choose_new_workspace_folder(self, self.ws.root.parent if self.ws else None)
        if folder is None:
            return
        from engine.workspace import Workspace

        problem = dialogs.new_workspace_problem(folder)
        if Workspace.exists(folder):
            self.open_workspace(folder)
        elif problem:
            dialogs.show_error(self, "Cannot create a workspace here", problem)
        else:
            self.create_workspace(folder)

    def _training_may_stop(self) -> bool:
        """Runs started from this window stop with it (unless started detached): ask first."""
        if self.ws is None or "training" not in vars(self.ws):  # no run was started from here
            return True
        live = self.ws.training.stopping_with_this_process()
        if not live:
            return True
        runs = ", ".join(f"#{run_id}" for run_id in live)
        return dialogs.confirm(self, "Training will stop",
                               f"Training run {runs} was started from this window and stops at its next step when "
                               "the window closes. A checkpoint is kept: resume it later from the Training page "
                               "or with `airlock train resume`.\n\nTo let a run outlive the window, start it with "
                               "\"Keep training after this window closes\".", "Close and stop training")

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._training_may_stop():
            event.ignore()
            return
        self.runner.shutdown(SHUTDOWN_WAIT_S)
        if self.ws is not None:
            # every page forgets the workspace too: a page's timer (the Training page's alive check) must
            # not read a closed workspace after its window is gone
            self.set_workspace(None)
        event.accept()
