"""Review the rows of an example import that hold personal data, before anything about them changes.

Opened after an import that held rows back (and from the labelling page's "Review imported rows").
The summary comes first: how many rows, which types were found, that nothing has been changed yet.
Then each row's input and answer with its findings drawn after their decision; the reviewer accepts
or rejects the selected finding, accepts or rejects every pending finding of a type, marks a span the
detector missed (select it, right-click), undoes and redoes any of those (Ctrl+Z, Ctrl+Shift+Z; each
step goes through the engine and is audited), and finishes: the accepted spans are redacted, the rows
become examples, and their originals are deleted. Closing keeps the review open for later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop import dialogs
from desktop.qt import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from desktop.widgets.pii_text import PiiTextView, entity_name
from desktop.widgets.undo import UndoStack, bind_controls, key_text

if TYPE_CHECKING:
    from engine.tasks.example_import import ImportReport
    from engine.tasks.example_review import StagedExampleInfo, StagedFindingInfo
    from engine.workspace import Workspace


class ExampleReviewDialog(QDialog):
    def __init__(self, ws: Workspace, review_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.review_id = ws, review_id
        self.reviews = ws.tasks.example_reviews
        self.items: list[StagedExampleInfo] = []
        self.finished_report: ImportReport | None = None
        self.setWindowTitle("Review imported rows with personal data")
        self.resize(1100, 680)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.rows = QListWidget()
        self.rows.currentRowChanged.connect(lambda _r: self._show_row())
        split.addWidget(self.rows)
        right = QWidget()
        col = QVBoxLayout(right)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(QLabel("Input"))
        self.input_view = PiiTextView()
        col.addWidget(self.input_view, 1)
        col.addWidget(QLabel("Answer"))
        self.answer_view = PiiTextView()
        col.addWidget(self.answer_view, 1)
        for view, where in ((self.input_view, "input"), (self.answer_view, "answer")):
            view.can_mark = True
            view.mark_requested.connect(lambda s, e, t, w=where: self.mark(w, s, e, t))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Field", "Type", "Value", "Decision"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        col.addWidget(self.table, 2)
        split.addWidget(right)
        split.setSizes([190, 910])
        layout.addWidget(split, 1)
        buttons = QHBoxLayout()
        self.accept_button = self._button(buttons, "Accept (A)", "A", lambda: self.decide_selected("accepted"))
        self.reject_button = self._button(buttons, "Reject (R)", "R", lambda: self.decide_selected("rejected"))
        buttons.addSpacing(16)
        self.type_choice = QComboBox()
        buttons.addWidget(self.type_choice)
        self._button(buttons, "Accept all of type", "", lambda: self.decide_type("accepted"))
        self._button(buttons, "Reject all of type", "", lambda: self.decide_type("rejected"))
        buttons.addSpacing(16)
        self.undo_button = self._button(buttons, f"Undo ({key_text(QKeySequence.StandardKey.Undo)})", "", None)
        self.redo_button = self._button(buttons, f"Redo ({key_text(QKeySequence.StandardKey.Redo)})", "", None)
        self.undo_stack = UndoStack(self)  # this dialog's steps; finishing ends them
        bind_controls(self.undo_stack, self, self.undo_button, self.redo_button,
                      lambda: self._store(self.undo_stack.undo_last), lambda: self._store(self.undo_stack.redo_next))
        buttons.addStretch(1)
        self._button(buttons, "Close (finish later)", "", self.reject)
        self.finish_button = self._button(buttons, "Finish review", "", self.finish)
        layout.addLayout(buttons)
        self.reload()

    def _button(self, row: QHBoxLayout, text: str, key: str, slot: Callable[[], object] | None) -> QPushButton:
        button = QPushButton(text)
        if key:
            button.setShortcut(key)
        if slot is not None:
            button.clicked.connect(slot)
        row.addWidget(button)
        return button

    # -- reading ------------------------------------------------------------
    def reload(self) -> None:
        s = self.reviews.summary(self.review_id)
        found = ", ".join(f"{entity_name(t)} {n}" for t, n in s.by_type.items())
        self.summary.setText(
            f"<b>{s.rows} rows of {s.file_name}</b> were held back because the detector found personal data "
            f"({found}). <b>Nothing has been changed yet.</b> Accept what must be redacted, reject what is not "
            f"personal data, mark anything missed (select it, right-click). <b>{s.pending} findings pending.</b> "
            "Finishing redacts the accepted spans, adds the rows as examples and deletes their originals.")
        chosen = self.type_choice.currentData()
        self.type_choice.blockSignals(True)
        self.type_choice.clear()
        for entity, n in s.by_type.items():  # the type's name as the review shows it; the type as data
            self.type_choice.addItem(f"{entity_name(entity)} ({n})", entity)
        self.type_choice.setCurrentIndex(max(0, self.type_choice.findData(chosen)))  # the choice stays
        self.type_choice.blockSignals(False)
        self.finish_button.setEnabled(s.pending == 0)
        row = max(0, self.rows.currentRow())
        self.items = self.reviews.items(self.review_id)
        self.rows.blockSignals(True)
        self.rows.clear()
        for item in self.items:
            pending = sum(f.decision == "pending" for f in item.findings)
            self.rows.addItem(f"line {item.line}: {pending} pending" if pending else f"line {item.line}: decided")
        self.rows.blockSignals(False)
        if self.items:
            self.rows.setCurrentRow(min(row, len(self.items) - 1))
        self._show_row()

    def current_item(self) -> StagedExampleInfo | None:
        row = self.rows.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _show_row(self) -> None:
        item = self.current_item()
        if item is None:
            return
        chosen = self.selected_finding()
        current = chosen.id if chosen else None
        self.input_view.set_findings(item.input_text, [f for f in item.findings if f.field == "input"], current)
        self.answer_view.set_findings(item.answer or item.label or "",
                                      [f for f in item.findings if f.field == "answer"], current)
        self.table.setRowCount(len(item.findings))
        for r, f in enumerate(item.findings):
            value = (item.input_text if f.field == "input" else item.answer or "")[f.start:f.end]
            for c, cell in enumerate((f.field, entity_name(f.entity_type), value, f.decision)):
                self.table.setItem(r, c, QTableWidgetItem(cell))
        if self.table.currentRow() < 0 and item.findings:
            self.table.selectRow(0)

    def selected_finding(self) -> StagedFindingInfo | None:
        item = self.current_item()
        row = self.table.currentRow()
        return item.findings[row] if item is not None and 0 <= row < len(item.findings) else None

    # -- deciding (each step undoable) ------------------------------------------
    def decide_selected(self, decision: str) -> None:
        finding = self.selected_finding()
        if finding is not None:
            self._step(f"{decision} {entity_name(finding.entity_type)}", [finding.id], decision,
                       {finding.id: finding.decision})

    def choose_type(self, entity_type: str) -> None:
        self.type_choice.setCurrentIndex(self.type_choice.findData(entity_type))

    def decide_type(self, decision: str) -> None:
        entity = str(self.type_choice.currentData() or "")
        pending = {f.id: f.decision for item in self.items for f in item.findings
                   if f.entity_type == entity and f.decision == "pending"}
        if pending:  # exactly these ids, also on a redo
            self._step(f"{decision} all {entity_name(entity)}", list(pending), decision, pending)

    def _step(self, text: str, ids: list[int], decision: str, before: dict[int, str]) -> None:
        def put_back() -> None:
            self.reviews.reopen([i for i, d in before.items() if d == "pending"])
            for earlier in {d for d in before.values() if d != "pending"}:
                self.reviews.decide([i for i, d in before.items() if d == earlier], earlier)

        self._store(lambda: self.undo_stack.do(text, lambda: self.reviews.decide(ids, decision), put_back))

    def mark(self, where: str, start: int, end: int, entity_type: str) -> None:
        from desktop.documents.review import ask_entity_type

        item = self.current_item()
        entity = entity_type or ask_entity_type(self)
        if item is None or not entity:
            return
        added: list[int] = []  # a redo marks the span again, under a new id

        def add() -> None:
            added.append(self.reviews.add_span(item.id, where, start, end, entity))

        self._store(lambda: self.undo_stack.do(f"mark {entity_name(entity)}", add,
                                               lambda: self.reviews.remove_span(added[-1])))

    def finish(self) -> None:
        try:
            self.finished_report = self.reviews.finish(self.review_id)
        except Exception as exc:  # an AirlockError names the problem; anything else is shown, not lost
            dialogs.show_error(self, "The review could not be finished", str(exc))
            return
        self.undo_stack.clear()  # the rows are examples now; their findings are gone
        self.accept()

    def _store(self, action: Callable[[], object]) -> None:
        try:
            action()
        except Exception as exc:
            dialogs.show_error(self, "Not stored", str(exc))
        self.reload()
