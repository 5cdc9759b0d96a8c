"""What every page shares: a header, the no-workspace state, a banner for problems.

A page subclass builds its widgets into ``self.body`` and reads the workspace
in ``load()``. A page reads whenever it is shown (so what it lists is current)
and only then: hidden pages cost nothing. A failure while loading becomes a
banner on the page, never a crash.

A page names the domains it shows (``shows``, see desktop/changes.py). When work changed one of
them, ``note_changes`` re-reads a visible page at once and marks a hidden one stale; a stale page
reads as it is shown. (A page reads on every show anyway: a detached training run or the CLI in
another process writes to the workspace too, and no job of this window reports those.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import roles
from desktop.changes import Changes
from desktop.qt import QHBoxLayout, QLabel, QShowEvent, QStackedWidget, QVBoxLayout, QWidget, Signal
from desktop.widgets.empty_state import NoWorkspaceState

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.workspace import Workspace


class Page(QWidget):
    key = ""
    title = ""
    subtitle = ""
    empty_hint = ""
    shows: frozenset[str] = frozenset()  # the domains this page shows (members: every page, for roles)

    navigate = Signal(str)
    data_changed = Signal(object)  # Changes: a write this page made itself (it refreshed itself already)
    loaded = Signal()  # the page read the workspace again
    new_requested = Signal()
    open_requested = Signal()
    demo_requested = Signal()

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.ws: Workspace | None = None
        self.stale = False  # something it shows changed while it was hidden
        self.setObjectName(f"Page_{self.key}")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 22, 28, 18)
        outer.setSpacing(14)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        title = QLabel(self.title)
        title.setObjectName("PageTitle")
        titles.addWidget(title)
        subtitle = QLabel(self.subtitle)
        subtitle.setObjectName("PageSubtitle")
        subtitle.setWordWrap(True)
        titles.addWidget(subtitle)
        header.addLayout(titles, 1)
        self.header_actions = QHBoxLayout()
        self.header_actions.setSpacing(8)
        header.addLayout(self.header_actions)
        outer.addLayout(header)

        self.banner = QLabel()
        self.banner.setObjectName("Banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        outer.addWidget(self.banner)

        self._stack = QStackedWidget()
        self.empty_state = NoWorkspaceState(self.empty_hint or self.subtitle)
        self.empty_state.new_requested.connect(self.new_requested.emit)
        self.empty_state.open_requested.connect(self.open_requested.emit)
        self.empty_state.demo_requested.connect(self.demo_requested.emit)
        self.body = QWidget()
        self.body.setObjectName("PageBody")
        self._stack.addWidget(self.empty_state)
        self._stack.addWidget(self.body)
        outer.addWidget(self._stack, 1)

    @property
    def showing_empty_state(self) -> bool:
        return self._stack.currentWidget() is self.empty_state

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self.show_banner(None)
        self._stack.setCurrentWidget(self.body if ws is not None else self.empty_state)
        for i in range(self.header_actions.count()):
            item = self.header_actions.itemAt(i)
            widget = item.widget() if item else None
            if widget is not None:
                widget.setVisible(ws is not None)
        if self.isVisible():
            self.refresh()
        else:
            self.clear()  # a hidden page reads the new workspace when it is shown

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def note_changes(self, changes: Changes) -> bool:
        """Work changed ``changes``: read again now if this page shows any of it and is visible,
        or when it is next shown. Returns whether the page was concerned."""
        if not changes.touches(self.shows | {"members"}):
            return False
        if self.isVisible():
            self.refresh()
        else:
            self.stale = True
        return True

    def refresh(self) -> None:
        self.stale = False
        if self.ws is None:
            self.clear()
            return
        try:
            self.load(self.ws)
            roles.apply(self, self.key, self.ws)  # hide what this member's role cannot do
            self.loaded.emit()
        except Exception as exc:  # a page that cannot read must say so, not take the app down
            self.show_banner(f"Could not read this workspace: {exc}", "error")

    def show_banner(self, text: str | None, kind: str = "info") -> None:
        if not text:
            self.banner.hide()
            return
        self.banner.setText(text)
        self.banner.setProperty("kind", kind)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.show()

    # -- for subclasses --------------------------------------------------------
    def load(self, ws: Workspace) -> None:
        """Read what the page shows from ``ws`` (called on the GUI thread)."""

    def clear(self) -> None:
        """Forget what the previous workspace showed."""
