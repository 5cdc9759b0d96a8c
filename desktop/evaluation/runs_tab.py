"""The "Runs & comparison" tab: every evaluation run, the selected one's metrics, and its comparison
with the other finished runs on the same split."""

from __future__ import annotations

from typing import Any

from desktop.evaluation.comparison import COLUMNS as COMPARISON_COLUMNS
from desktop.evaluation.run_table import COLUMNS
from desktop.qt import QLabel, QPlainTextEdit, QSplitter, Qt, QVBoxLayout, QWidget
from desktop.widgets.table import DataTable

COMPARING = "Comparing with the other runs on this split…"
NO_COMPARISON = "Select a finished run to compare."


def _titled(title: QLabel | str, body: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 8, 0, 0)
    label = title if isinstance(title, QLabel) else QLabel(title)
    label.setObjectName("SectionTitle")
    layout.addWidget(label)
    layout.addWidget(body, 1)
    return box


class RunsTab(QSplitter):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.table = DataTable(COLUMNS, "No evaluation runs yet.\nEvaluate a model on a dataset "
                                        "version to compare it here.")
        self.addWidget(self.table)
        lower = QSplitter(Qt.Orientation.Horizontal)
        self.detail_title = QLabel("Select a run")
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setObjectName("Mono")
        self.detail.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.detail.setPlaceholderText("The selected run's metrics appear here.")
        left = _titled(self.detail_title, self.detail)
        left.setMaximumWidth(330)  # the comparison needs the room
        lower.addWidget(left)
        self.comparison = DataTable(COMPARISON_COLUMNS, NO_COMPARISON)
        lower.addWidget(_titled("Comparison on the same split", self.comparison))
        lower.setStretchFactor(0, 2)
        lower.setStretchFactor(1, 3)
        self.addWidget(lower)
        self.setStretchFactor(0, 2)
        self.setStretchFactor(1, 3)

    def set_comparison(self, rows: list[Any], empty_text: str) -> None:
        self.comparison.empty_text = empty_text
        self.comparison.set_rows(rows)
        self.comparison.viewport().update()
