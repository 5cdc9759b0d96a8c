"""Labelling: the examples of each task, their labels, and where annotators disagree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import formatting as fmt
from desktop.pages.base import Page
from desktop.qt import QComboBox, QLabel, QPlainTextEdit, QSplitter, Qt, QVBoxLayout, QWidget
from desktop.widgets.table import Column, DataTable

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.listings import ExampleRow
    from engine.workspace import Workspace

DISAGREE_COLOR = "#b45309"
UNLABELLED_COLOR = "#8a94a6"


def label_cell(row: ExampleRow) -> str:
    if not row.labels:
        return "(unlabelled)"
    if len(row.labels) == 1:
        return row.labels[0]
    return " ≠ ".join(row.labels)


def label_color(row: ExampleRow) -> str | None:
    if not row.labels:
        return UNLABELLED_COLOR
    return None if row.agreed else DISAGREE_COLOR


def flags(row: ExampleRow) -> str:
    marks = [name for name, on in (("golden", row.is_golden), ("OOD", row.is_ood),
                                    ("flagged", row.flagged)) if on]
    return ", ".join(marks)


COLUMNS = [
    Column("#", lambda r: r.id, align="right", width=56),
    Column("Task", lambda r: r.task, width=170),
    Column("Input", lambda r: r.input_excerpt, tooltip=lambda r: r.input_excerpt, stretch=True),
    Column("Label", label_cell, color=label_color, width=170,
           tooltip=lambda r: "annotators disagree" if not r.agreed else ""),
    Column("Annotators", lambda r: r.annotators, align="right", width=96),
    Column("Golden / OOD", flags, width=110),
    Column("Origin", lambda r: r.origin, width=90),
]


class LabellingPage(Page):
    key = "labelling"
    empty_hint = "Open a workspace to label examples for its tasks."
    title = "Labelling"
    subtitle = "Examples for each task with their labels. Amber rows are where annotators disagree."

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.task_filter = QComboBox()
        self.task_filter.setMinimumWidth(220)
        self.task_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.header_actions.addWidget(self.task_filter)

        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel()
        self.summary.setObjectName("Muted")
        layout.addWidget(self.summary)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = DataTable(COLUMNS, "No examples yet.\nCreate a task and add examples from "
                                        "documents or an import.")
        self.table.row_selected.connect(self._show_example)
        splitter.addWidget(self.table)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 10, 0, 0)
        self.detail_title = QLabel("Select an example")
        self.detail_title.setObjectName("SectionTitle")
        detail_layout.addWidget(self.detail_title)
        self.labels_view = QLabel()
        self.labels_view.setWordWrap(True)
        self.labels_view.setTextFormat(Qt.TextFormat.PlainText)
        detail_layout.addWidget(self.labels_view)
        self.input_view = QPlainTextEdit()
        self.input_view.setReadOnly(True)
        self.input_view.setPlaceholderText("The selected example's full input appears here.")
        detail_layout.addWidget(self.input_view, 1)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)

    def load(self, ws: Workspace) -> None:
        from engine import listings

        tasks = listings.tasks(ws)
        chosen = self.task_filter.currentData()
        self.task_filter.blockSignals(True)
        self.task_filter.clear()
        self.task_filter.addItem("All tasks", None)
        for task in tasks:
            self.task_filter.addItem(f"{task.name}  ({task.kind}, {task.examples})", task.id)
        at = self.task_filter.findData(chosen)
        self.task_filter.setCurrentIndex(max(0, at))
        self.task_filter.blockSignals(False)

        rows = listings.examples(ws, task_id=self.task_filter.currentData())
        self.table.set_rows(rows)
        labelled = sum(1 for r in rows if r.labels)
        disagree = sum(1 for r in rows if not r.agreed)
        golden = sum(1 for r in rows if r.is_golden)
        ood = sum(1 for r in rows if r.is_ood)
        self.summary.setText(
            f"{fmt.count(len(rows), 'example')} · {labelled:,} labelled · {disagree:,} with disagreement"
            f" · {golden:,} golden · {ood:,} out-of-distribution")
        if self.table.selected_row() is None:
            self.table.select_first()

    def clear(self) -> None:
        self.table.set_rows([])
        self.summary.clear()

    def _show_example(self, row: ExampleRow | None) -> None:
        detail = None
        if row is not None and self.ws is not None:
            from engine import listings

            detail = listings.example_detail(self.ws, row.id)
        if detail is None:
            self.detail_title.setText("Select an example")
            self.labels_view.clear()
            self.input_view.clear()
            return
        self.detail_title.setText(f"Example #{detail.id}")
        given = [f"{lb.annotator}: {lb.value}" for lb in detail.labels] or ["no labels yet"]
        note = f"\nNote: {detail.note}" if detail.note else ""
        self.labels_view.setText("Labels — " + "   ·   ".join(given) + note)
        self.input_view.setPlainText(detail.input_text)
