"""The Review tab: a run's examples filtered to errors, disagreements with another run, or one
confusion cell; the selected one side by side with the reviewer's verdict (Ctrl+Z undoes the last,
Ctrl+Shift+Z redoes it; both go through the engine and are audited like any verdict).

A run's predictions can be tens of thousands: the list is read by a job (the newest read wins), and
the count line says "Reading…" meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop import dialogs
from desktop import formatting as fmt
from desktop.evaluation.review_panel import ReviewPanel
from desktop.qt import (
    QComboBox,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QPushButton,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.widgets.latest_read import LatestRead
from desktop.widgets.table import Column, DataTable
from desktop.widgets.undo import EngineCommand, UndoStack, bind_controls, key_text

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.evaluation.review import PredictionRow
    from engine.evaluation.service import EvaluationInfo
    from engine.workspace import Workspace

FILTERS = ("All examples", "Errors only", "Disagreements", "Confusion cell")


def _short(text: str | None, n: int = 60) -> str:
    if text is None:
        return fmt.MISSING
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


COLUMNS = [
    Column("Example", lambda r: f"#{r.example_id}", width=80, sort_key=lambda r: r.example_id),
    Column("Input", lambda r: _short(r.input_text, 90), stretch=True, tooltip=lambda r: r.input_text[:500]),
    Column("Reference", lambda r: _short(r.reference), width=130),
    Column("Output", lambda r: _short(r.output), width=130,
           color=lambda r: None if r.correct else "#b91c1c"),
    Column("Other model", lambda r: _short(r.other_output), width=130),
    Column("Verdict", lambda r: r.review or "", width=120),
]


class ReviewTab(QWidget):
    changed = Signal()

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader: LatestRead[list[PredictionRow]] = LatestRead(runner, "Reading the run's predictions",
                                                                  failed=self._read_failed)
        self._ws: Workspace | None = None
        self.info: EvaluationInfo | None = None
        self.cell: tuple[str, str] | None = None
        self.undo_stack = UndoStack(self)  # this workspace's verdicts, across runs
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        bar = QHBoxLayout()
        self.filter = QComboBox()
        self.filter.addItems(FILTERS)
        self.filter.setCurrentIndex(1)
        self.other_run = QComboBox()
        self.other_run.setMinimumWidth(260)
        self.count = QLabel("")
        self.count.setObjectName("Muted")
        bar.addWidget(QLabel("Show"))
        bar.addWidget(self.filter)
        bar.addWidget(QLabel("Compare with"))
        bar.addWidget(self.other_run)
        bar.addWidget(self.count, 1)
        self.undo_button = QPushButton(f"Undo  ({key_text(QKeySequence.StandardKey.Undo)})")
        self.redo_button = QPushButton(f"Redo  ({key_text(QKeySequence.StandardKey.Redo)})")
        bar.addWidget(self.undo_button)
        bar.addWidget(self.redo_button)
        layout.addLayout(bar)
        split = QSplitter(Qt.Orientation.Vertical)
        self.examples = DataTable(COLUMNS, "No examples match this filter.")
        self.examples.row_selected.connect(self._show)
        split.addWidget(self.examples)
        self.panel = ReviewPanel()
        self.panel.verdict_requested.connect(self.set_verdict)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([260, 300])
        layout.addWidget(split, 1)
        self.filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.other_run.currentIndexChanged.connect(lambda _i: self.reload())
        bind_controls(self.undo_stack, self, self.undo_button, self.redo_button, self.undo, self.redo,
                      Qt.ShortcutContext.WindowShortcut)

    @property
    def ws(self) -> Workspace | None:
        return self._ws

    @ws.setter
    def ws(self, ws: Workspace | None) -> None:
        if ws is not self._ws:  # another workspace's verdicts cannot be undone here
            self.undo_stack.clear()
        self._ws = ws

    def clear(self) -> None:
        self.reader.forget()
        self.info = None
        self.examples.set_rows([])
        self.panel.show_row(None)

    def show_run(self, info: EvaluationInfo, peers: list[EvaluationInfo]) -> None:
        self.info = info
        self.cell = None
        self.other_run.blockSignals(True)
        self.other_run.clear()
        self.other_run.addItem("(no other model)", None)
        for p in peers:
            self.other_run.addItem(f"run {p.id}: {p.model_label} ({p.prompt_mode})", p.id)
        if peers:
            self.other_run.setCurrentIndex(1)
        self.other_run.blockSignals(False)
        if self.filter.currentIndex() == FILTERS.index("Confusion cell"):
            self.filter.setCurrentIndex(1)  # reloads
        else:
            self.reload()

    def show_cell(self, reference: str, predicted: str) -> None:
        self.cell = (reference, predicted)
        self.filter.blockSignals(True)
        self.filter.setCurrentIndex(FILTERS.index("Confusion cell"))
        self.filter.blockSignals(False)
        self.reload()

    @property
    def kind(self) -> str:
        return str(self.info.metrics.get("task_kind", "classification")) if self.info else "classification"

    def reload(self, then: Callable[[], None] | None = None) -> None:
        """Read the list again (a job); ``then`` runs once it is shown."""
        if self.ws is None or self.info is None:
            return
        mode = FILTERS[self.filter.currentIndex()]
        other = self.other_run.currentData()
        cell = self.cell if mode == "Confusion cell" else None
        if mode == "Disagreements" and other is None:
            self.reader.forget()
            self._show_rows([], cell, then)
            return
        evaluation, run_id = self.ws.evaluation, self.info.id
        self.count.setText("Reading the predictions…")
        self.reader.start(lambda: evaluation.predictions(run_id, errors_only=mode == "Errors only",
                                                         other_run_id=other, cell=cell,
                                                         disagreements_only=mode == "Disagreements"),
                          lambda rows: self._show_rows(rows, cell, then))

    def _show_rows(self, rows: list[PredictionRow], cell: tuple[str, str] | None,
                   then: Callable[[], None] | None) -> None:
        self.examples.set_rows(rows)
        where = f" ({cell[0]} → {cell[1]})" if cell else ""
        self.count.setText(f"{fmt.count(len(rows), 'example')}{where}")
        if self.examples.selected_row() is None:
            self.examples.select_first()
        if then is not None:
            then()

    def _read_failed(self, exc: BaseException) -> None:
        self.count.setText(f"Could not read the predictions: {exc}")

    def _show(self, row: PredictionRow | None) -> None:
        self.panel.show_row(row, self.kind)

    def set_verdict(self, verdict: str | None, note: str) -> None:
        row = self.panel.row
        if self.ws is None or row is None:
            return
        evaluation, prediction_id = self.ws.evaluation, row.id
        before, before_note = row.review, row.review_note or ""
        try:
            self.undo_stack.do(f"verdict on #{row.example_id}",
                               lambda: evaluation.review(prediction_id, verdict, note),
                               lambda: evaluation.review(prediction_id, before, before_note), prediction_id)
        except Exception as exc:
            dialogs.show_error(self, "Verdict not recorded", str(exc))
            return
        self._after_change(prediction_id)

    def undo(self) -> None:
        self._step(self.undo_stack.undo_last, "Could not undo the verdict")

    def redo(self) -> None:
        self._step(self.undo_stack.redo_next, "Could not redo the verdict")

    def _step(self, move: Callable[[], EngineCommand | None], failed: str) -> None:
        if self.ws is None:
            return
        try:
            command = move()
        except Exception as exc:
            dialogs.show_error(self, failed, str(exc))
            return
        if command is not None:
            self._after_change(int(command.subject))  # type: ignore[call-overload]

    def _after_change(self, prediction_id: int) -> None:
        self.reload(then=lambda: self._go_to(prediction_id))
        self.changed.emit()

    def _go_to(self, prediction_id: int) -> None:
        """Back at the prediction just changed, once the list was read again."""
        self.examples.reveal(lambda r: r.id == prediction_id)
        for i, r in enumerate(self.examples.rows()):
            if r.id == prediction_id:
                self.panel.show_row(r, self.kind)
                if self.examples.selected_row() is None or self.examples.selected_row().id != prediction_id:
                    self.examples.selectRow(i)
