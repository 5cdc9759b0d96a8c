"""Reviewing one document's PII findings: the list, accept / reject, bulk accept, add, undo, redo.

Every decision goes straight to the engine (``ws.privacy``), which stores who
made it and audits it. The panel keeps this session's decisions on an undo
stack (``desktop.widgets.undo``): Ctrl+Z puts the last one back (a finding that
was pending is reopened, a span added by hand is removed) and Ctrl+Shift+Z
makes it again; both go through the engine and are audited too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop import dialogs
from desktop.qt import (
    QColor,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.widgets.pii_text import MARKABLE_TYPES, entity_color, entity_name
from desktop.widgets.undo import EngineCommand, UndoStack, bind_controls, key_text

if TYPE_CHECKING:
    from engine.privacy.findings import FindingInfo
    from engine.workspace import Workspace

MARKS = {"pending": "•", "accepted": "✓", "rejected": "✗"}
VALUE_CHARS = 48
Keep = Callable[[bool], "int | None"]  # the finding to select after an undo (True) or a redo (False)


def ask_entity_type(parent: QWidget | None, start_with: str = "PERSON") -> str | None:
    """A small dialog to choose (or type) the entity type of a span marked by hand."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Mark as PII")
    form = QFormLayout(dialog)
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(list(MARKABLE_TYPES))
    combo.setCurrentText(start_with)
    form.addRow("Entity type", combo)
    form.addRow(QLabel("Pick a type or type your own, e.g. EMPLOYEE_ID."))
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return combo.currentText().strip() or None


class ReviewPanel(QWidget):
    changed = Signal()  # a decision was stored (or undone): the page redraws
    current_changed = Signal(object)  # FindingInfo | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws: Workspace | None = None
        self.document_id: int | None = None
        self.text = ""
        self.editable = False
        self._findings: list[FindingInfo] = []
        self.undo_stack = UndoStack(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        title = QLabel("Findings")
        title.setObjectName("SectionTitle")
        layout.addWidget(title)
        self.summary = QLabel()
        self.summary.setObjectName("Muted")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.list = QListWidget()
        self.list.setObjectName("FindingsList")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.currentRowChanged.connect(self._on_row)
        layout.addWidget(self.list, 1)

        grid = QGridLayout()
        grid.setSpacing(6)
        self.accept_button = self._button("Accept  (A)", "Redact this span", self.accept_current)
        self.reject_button = self._button("Reject  (R)", "Not PII: keep this text", self.reject_current)
        self.prev_button = self._button("↑ Previous  (P)", "Previous finding", self.previous)
        self.next_button = self._button("Next  (N) ↓", "Next finding", self.next)
        self.undo_button = QPushButton(f"Undo  ({key_text(QKeySequence.StandardKey.Undo)})")
        self.redo_button = QPushButton(f"Redo  ({key_text(QKeySequence.StandardKey.Redo)})")
        grid.addWidget(self.accept_button, 0, 0)
        grid.addWidget(self.reject_button, 0, 1)
        grid.addWidget(self.prev_button, 1, 0)
        grid.addWidget(self.next_button, 1, 1)
        grid.addWidget(self.undo_button, 2, 0)
        grid.addWidget(self.redo_button, 2, 1)
        self.type_combo = QComboBox()
        self.type_combo.setToolTip("Entity type to accept in bulk")
        self.accept_type_button = self._button("Accept all of type", "Accept every pending finding of "
                                               "the chosen type", self.accept_chosen_type)
        grid.addWidget(self.type_combo, 3, 0)
        grid.addWidget(self.accept_type_button, 3, 1)
        layout.addLayout(grid)
        self._update_buttons()

    def bind_undo(self, owner: QWidget) -> None:
        """The Undo / Redo buttons, and Ctrl+Z / Ctrl+Shift+Z anywhere in ``owner`` (the page)."""
        bind_controls(self.undo_stack, owner, self.undo_button, self.redo_button, self.undo, self.redo)

    def _button(self, text: str, tip: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda _=False: slot())  # type: ignore[operator]
        return button

    # -- content -------------------------------------------------------------
    def set_document(self, ws: Workspace | None, document_id: int | None, text: str, editable: bool) -> None:
        if ws is not self.ws:
            self.undo_stack.clear()
        current = self.current()
        keep = current.id if current is not None and (ws, document_id) == (self.ws, self.document_id) else None
        self.ws, self.document_id, self.text, self.editable = ws, document_id, text, editable
        self.reload(keep=keep)

    def reload(self, keep: int | None) -> None:
        """Read the findings again; select ``keep`` (a finding id) where it still exists."""
        if self.ws is None or self.document_id is None:
            self._findings = []
        else:
            self._findings = self.ws.privacy.findings(self.document_id)
        self.list.blockSignals(True)
        self.list.clear()
        for f in self._findings:
            item = QListWidgetItem(self._label(f))
            item.setData(Qt.ItemDataRole.DecorationRole, QColor(entity_color(f.entity_type)))
            item.setToolTip(f"{f.entity_type} at {f.start}-{f.end}, score {f.score:.2f}, "
                            f"{'added by hand' if f.source == 'manual' else 'found by the detector'}")
            if f.decision == "rejected":
                item.setForeground(QColor("#64748b"))
            self.list.addItem(item)
        ids = [f.id for f in self._findings]
        self.list.setCurrentRow(ids.index(keep) if keep in ids else (0 if ids else -1))
        self.list.blockSignals(False)
        counts = Counter(f.decision for f in self._findings)
        self.summary.setText(" · ".join(f"{counts[d]} {d}" for d in ("pending", "accepted", "rejected"))
                             if self._findings else "No findings. Scan the document to look for PII.")
        pending_types = Counter(f.entity_type for f in self._findings if f.decision == "pending")
        self.type_combo.clear()
        for t, n in sorted(pending_types.items()):
            self.type_combo.addItem(f"{entity_name(t)} ({n})", t)
        self._update_buttons()
        self.current_changed.emit(self.current())

    def _label(self, f: FindingInfo) -> str:
        value = " ".join(self.text[f.start:f.end].split()) if self.text else (f.placeholder or "")
        if len(value) > VALUE_CHARS:
            value = value[:VALUE_CHARS - 1] + "…"
        return f"{MARKS.get(f.decision, '?')}  {entity_name(f.entity_type)}   {value}"

    def findings(self) -> list[FindingInfo]:
        return list(self._findings)

    def current(self) -> FindingInfo | None:
        row = self.list.currentRow()
        return self._findings[row] if 0 <= row < len(self._findings) else None

    def pending(self) -> int:
        return sum(1 for f in self._findings if f.decision == "pending")

    def _on_row(self, _row: int) -> None:
        self._update_buttons()
        self.current_changed.emit(self.current())

    def _update_buttons(self) -> None:
        has = self.current() is not None
        for button in (self.accept_button, self.reject_button):
            button.setEnabled(self.editable and has)
        self.prev_button.setEnabled(self.list.currentRow() > 0)
        self.next_button.setEnabled(0 <= self.list.currentRow() < self.list.count() - 1)
        self.accept_type_button.setEnabled(self.editable and self.type_combo.count() > 0)

    # -- navigation ------------------------------------------------------------
    def next(self) -> None:
        if self.list.currentRow() < self.list.count() - 1:
            self.list.setCurrentRow(self.list.currentRow() + 1)

    def previous(self) -> None:
        if self.list.currentRow() > 0:
            self.list.setCurrentRow(self.list.currentRow() - 1)

    # -- decisions ---------------------------------------------------------------
    def accept_current(self) -> None:
        self._decide("accepted")

    def reject_current(self) -> None:
        self._decide("rejected")

    def _decide(self, decision: str) -> None:
        f = self.current()
        if f is None or self.ws is None or self.document_id is None or not self.editable:
            return
        privacy, finding_id, before = self.ws.privacy, f.id, f.decision
        put_back = ((lambda: privacy.reopen(finding_id)) if before == "pending"
                    else (lambda: privacy.decide(finding_id, before)))
        if self._push(f"{decision} {f.entity_type}", lambda: privacy.decide(finding_id, decision), put_back,
                      lambda _undone: finding_id):
            after = self._next_pending_after(f.id)
            self.reload(keep=after if after is not None else f.id)
            self.changed.emit()

    def _next_pending_after(self, finding_id: int) -> int | None:
        ids = [f.id for f in self._findings]
        at = ids.index(finding_id) if finding_id in ids else -1
        for f in self._findings[at + 1:] + self._findings[:at + 1]:
            if f.decision == "pending" and f.id != finding_id:
                return f.id
        return None

    def accept_chosen_type(self) -> None:
        entity_type = self.type_combo.currentData()
        if entity_type:
            self.accept_type(str(entity_type))

    def accept_type(self, entity_type: str) -> None:
        if self.ws is None or self.document_id is None or not self.editable:
            return
        privacy, doc_id = self.ws.privacy, self.document_id
        before = [f.id for f in self._findings if f.entity_type == entity_type and f.decision == "pending"]

        def reopen() -> None:
            for finding_id in before:
                privacy.reopen(finding_id)

        accept = lambda: privacy.accept_all(doc_id, entity_type, before)  # noqa: E731 - a redo: the same ids
        if before and self._push(f"accept all {entity_type}", accept, reopen, lambda _undone: before[0]):
            current = self.current()
            self.reload(keep=current.id if current else None)
            self.changed.emit()

    def add_span(self, start: int, end: int, entity_type: str) -> int | None:
        if self.ws is None or self.document_id is None or not self.editable:
            return None
        privacy, doc_id = self.ws.privacy, self.document_id
        added: list[int] = []  # a redo adds the span again, under a new id

        def add() -> None:
            added.append(privacy.add_manual(doc_id, start, end, entity_type))

        if self._push(f"add {entity_type}", add, lambda: privacy.remove_manual(added[-1]),
                      lambda undone: None if undone else added[-1]):
            self.reload(keep=added[-1])
            self.changed.emit()
            return added[-1]
        return None

    def _push(self, text: str, apply: Callable[[], object], revert: Callable[[], object], keep: Keep) -> bool:
        """Store a decision through the engine and stack it; False (with a message) when refused."""
        return self._store(lambda: self.undo_stack.do(text, apply, revert, keep))

    def undo(self) -> EngineCommand | None:
        """Put the newest decision back; the list shows the finding it was about."""
        return self._step(self.undo_stack.undo_last, undone=True)

    def redo(self) -> EngineCommand | None:
        """Make the decision undone last again (audited like any decision)."""
        return self._step(self.undo_stack.redo_next, undone=False)

    def _step(self, move: Callable[[], EngineCommand | None], undone: bool) -> EngineCommand | None:
        if self.ws is None:
            return None
        done: list[EngineCommand | None] = []
        if not self._store(lambda: done.append(move())) or done[0] is None:
            return None
        command = done[0]
        keep: Keep = command.subject  # type: ignore[assignment]
        self.reload(keep=keep(undone))
        self.changed.emit()
        return command

    def _store(self, action: object) -> bool:
        from engine.errors import AirlockError

        try:
            action()  # type: ignore[operator]
        except AirlockError as exc:
            dialogs.show_error(self, "Cannot store this decision", str(exc))
            return False
        return True
