"""Training: every run with its outcome, and the loss curves of the selected one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import formatting as fmt
from desktop.pages.base import Page
from desktop.qt import QLabel, QSplitter, Qt, QVBoxLayout, QWidget
from desktop.widgets.line_chart import LineChart, Series
from desktop.widgets.table import Column, DataTable

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.listings import CurvePoint, TrainingRunRow
    from engine.workspace import Workspace

STATUS_COLORS = {"succeeded": "#15803d", "failed": "#b91c1c", "cancelled": "#6b7280",
                 "running": "#1d4ed8", "queued": "#b45309"}
LOSS_COLOR = "#2563eb"
EVAL_LOSS_COLOR = "#ea580c"

COLUMNS = [
    Column("Run", lambda r: f"#{r.id}", sort_key=lambda r: r.id, align="right", width=60),
    Column("Status", lambda r: r.status, color=lambda r: STATUS_COLORS.get(r.status), width=100,
           tooltip=lambda r: r.error or ""),
    Column("Backend", lambda r: r.backend or fmt.MISSING, width=100),
    Column("Base model", lambda r: r.base_model, stretch=True),
    Column("Dataset", lambda r: r.dataset_version, width=150),
    Column("Created", lambda r: fmt.when(r.created_at), sort_key=lambda r: r.created_at.isoformat(),
           width=140),
    Column("Final loss", lambda r: fmt.number(r.final_loss, 4), align="right",
           sort_key=lambda r: r.final_loss if r.final_loss is not None else -1.0, width=100),
]


def loss_series(points: list[CurvePoint]) -> list[Series]:
    loss = [(float(p.step), p.loss) for p in points if p.loss is not None]
    eval_loss = [(float(p.step), p.eval_loss) for p in points if p.eval_loss is not None]
    return [Series("loss", loss, LOSS_COLOR),
            Series("eval loss", eval_loss, EVAL_LOSS_COLOR, markers=True)]


class TrainingPage(Page):
    key = "training"
    empty_hint = "Open a workspace to see its training runs and loss curves."
    title = "Training"
    subtitle = "LoRA / QLoRA fine-tuning runs on frozen dataset versions, with their loss curves."

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = DataTable(COLUMNS, "No training runs yet.\nTrain on a frozen dataset version "
                                        "to see its loss curve here.")
        self.table.row_selected.connect(self._show_run)
        splitter.addWidget(self.table)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 10, 0, 0)
        lower_layout.setSpacing(6)
        self.run_note = QLabel()
        self.run_note.setObjectName("Muted")
        self.run_note.setWordWrap(True)
        lower_layout.addWidget(self.run_note)
        self.chart = LineChart("Loss", x_label="step", y_label="loss",
                               empty_text="Select a run to see its loss curve.")
        self.chart.setObjectName("Card")
        lower_layout.addWidget(self.chart, 1)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter)

    def load(self, ws: Workspace) -> None:
        from engine import listings

        self.table.set_rows(listings.training_runs(ws))
        if self.table.selected_row() is None:
            self.table.select_first()

    def clear(self) -> None:
        self.table.set_rows([])

    def _show_run(self, row: TrainingRunRow | None) -> None:
        if row is None or self.ws is None:
            self.chart.clear("Select a run to see its loss curve.")
            self.run_note.clear()
            return
        from engine import listings

        points = listings.training_curve(self.ws, row.id)
        self.chart.title = f"Run #{row.id} — loss"
        if not points:
            self.chart.clear("This run has logged no metrics yet.")
        else:
            self.chart.set_series(loss_series(points))
        last = points[-1] if points else None
        parts = [f"{row.base_model} on {row.dataset_version}", f"status {row.status}"]
        if last is not None:
            parts.append(f"{last.step:,} steps, epoch {last.epoch:.2f}")
            speeds = [p.tokens_per_second for p in points if p.tokens_per_second]
            if speeds:
                parts.append(f"{speeds[-1]:,.0f} tokens/s")
        if row.error:
            parts.append(f"error: {row.error}")
        self.run_note.setText(" · ".join(parts))
