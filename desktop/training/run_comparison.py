"""Training runs side by side: tick the runs, see what was set differently, their loss and eval-loss
curves overlaid, final metrics, and how the models they produced scored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.qt import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from desktop.widgets.line_chart import LineChart, Series
from desktop.widgets.table import Column, DataTable
from engine.training.comparison import RunComparison, compare_runs
from engine.training.run_info import RunInfo
from engine.workspace import Workspace

# (loss, eval loss) colours per run: the eval curve is the lighter shade of its run's colour
PALETTE = (("#1d4ed8", "#93c5fd"), ("#b91c1c", "#fca5a5"), ("#15803d", "#86efac"), ("#7e22ce", "#d8b4fe"),
           ("#c2410c", "#fdba74"), ("#0e7490", "#67e8f9"))


@dataclass(frozen=True)
class ValueRow:
    name: str
    values: tuple[str, ...]


def _text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "–" if value is None else str(value)


def _columns(run_ids: list[int]) -> list[Column]:
    cols = [Column("", lambda r: r.name, width=190)]
    cols += [Column(f"run #{rid}", lambda r, i=i: r.values[i], align="right") for i, rid in enumerate(run_ids)]  # type: ignore[misc]
    return cols


class RunComparisonView(QWidget):
    """The comparison of two or more runs (engine.training.comparison.RunComparison)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.chart = LineChart("Loss per run (eval loss lighter)", "step", "loss",
                               "Tick two or more runs to compare them.", whole_x=True)
        layout.addWidget(self.chart, 3)
        self.tabs = QTabWidget()
        self.differences = DataTable(_columns([]), "The runs were set up alike.")
        self.results = DataTable(_columns([]), "No final metrics or evaluations yet.")
        self.tabs.addTab(self.differences, "Settings that differ")
        self.tabs.addTab(self.results, "Final metrics and evaluations")
        layout.addWidget(self.tabs, 2)
        self.shared = QLabel()
        self.shared.setObjectName("Muted")
        self.shared.setWordWrap(True)
        layout.addWidget(self.shared)
        self.comparison: RunComparison | None = None

    def show_comparison(self, cmp: RunComparison | None) -> None:
        self.comparison = cmp
        if cmp is None:
            self.chart.clear("Tick two or more runs to compare them.")
            for table in (self.differences, self.results):
                table.table_model.columns = _columns([])
                table.set_rows([])
            self.shared.setText("")
            return
        series = []
        for i, run in enumerate(cmp.runs):
            dark, light = PALETTE[i % len(PALETTE)]
            series.append(Series(f"#{run.id} loss", [(p.step, p.loss) for p in run.curve if p.loss is not None],
                                 dark))
            series.append(Series(f"#{run.id} eval loss", [(p.step, p.eval_loss) for p in run.curve
                                                          if p.eval_loss is not None], light, markers=True))
        self.chart.set_series(series)
        ids = [r.id for r in cmp.runs]
        diff_rows = [ValueRow(k, tuple(_text(v) for v in vs)) for k, vs in cmp.differences.items()]
        result_rows = [ValueRow("status", tuple(r.status for r in cmp.runs)),
                       ValueRow("last loss", tuple(_text(r.last_loss) for r in cmp.runs)),
                       ValueRow("last eval loss", tuple(_text(r.last_eval_loss) for r in cmp.runs))]
        for key in dict.fromkeys(k for r in cmp.runs for k in r.final_metrics):
            result_rows.append(ValueRow(key, tuple(_text(r.final_metrics.get(key)) for r in cmp.runs)))
        for where in dict.fromkeys((e.dataset_version, e.split, e.quality_metric)
                                   for r in cmp.runs for e in r.evaluations):
            values = []
            for r in cmp.runs:
                found = [e for e in r.evaluations if (e.dataset_version, e.split, e.quality_metric) == where]
                values.append(_text(found[-1].quality) if found else "–")
            result_rows.append(ValueRow(f"{where[2]} on {where[0]}/{where[1]}", tuple(values)))
        for table, rows in ((self.differences, diff_rows), (self.results, result_rows)):
            table.table_model.beginResetModel()
            table.table_model.columns = _columns(ids)
            table.table_model.endResetModel()
            table.set_rows(rows)
            header = table.horizontalHeader()
            header.setStretchLastSection(False)
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        shared = ", ".join(f"{k} {_text(v)}" for k, v in cmp.shared.items())
        self.shared.setText(f"Alike in every run: {shared}" if shared else "")


class RunComparisonDialog(QDialog):
    """Pick runs on the left; the comparison follows the ticks."""

    def __init__(self, ws: Workspace, runs: list[RunInfo], ticked: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle("Compare training runs")
        self.resize(1100, 720)
        layout = QVBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.picker = QListWidget()
        for run in runs:
            item = QListWidgetItem(f"#{run.id}  {run.status}  {run.dataset_version_name}  {run.base_model_name}")
            item.setData(Qt.ItemDataRole.UserRole, run.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if run.id in ticked else Qt.CheckState.Unchecked)
            self.picker.addItem(item)
        self.picker.itemChanged.connect(lambda _item: self.refresh())
        side = QWidget()
        side_box = QVBoxLayout(side)
        side_box.setContentsMargins(0, 0, 0, 0)
        side_box.addWidget(QLabel("Runs to compare"))
        side_box.addWidget(self.picker)
        split.addWidget(side)
        self.view = RunComparisonView()
        split.addWidget(self.view)
        split.setSizes([260, 840])
        layout.addWidget(split, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.refresh()

    def ticked(self) -> list[int]:
        return [int(self.picker.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.picker.count())
                if self.picker.item(i).checkState() == Qt.CheckState.Checked]

    def refresh(self) -> None:
        ids = sorted(self.ticked())  # oldest first, as they were trained
        self.view.show_comparison(compare_runs(self.ws, ids) if len(ids) >= 2 else None)
