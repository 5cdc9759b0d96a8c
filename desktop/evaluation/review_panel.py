"""One prediction side by side: input, reference, this model's output and another model's,
the field-level diff for extraction, and the reviewer's verdict buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.qt import (
    QGridLayout,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QShortcut,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from engine.evaluation.extraction_metrics import field_diff, parse_record

if TYPE_CHECKING:
    from engine.evaluation.review import PredictionRow

MODEL_WRONG = "model wrong"
REFERENCE_WRONG = "reference wrong"


def _value(value: object) -> str:
    return "—" if value is None else str(value)


def _box(title: str) -> tuple[QWidget, QPlainTextEdit]:
    w = QWidget()
    layout = QVBoxLayout(w)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    label = QLabel(title)
    label.setObjectName("SectionTitle")
    layout.addWidget(label)
    text = QPlainTextEdit()
    text.setReadOnly(True)
    layout.addWidget(text)
    return w, text


class ReviewPanel(QWidget):
    verdict_requested = Signal(object, str)  # verdict (None clears), note

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row: PredictionRow | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("Select an example")
        self.title.setObjectName("SectionTitle")
        layout.addWidget(self.title)
        grid = QGridLayout()
        box, self.input_text = _box("Input")
        grid.addWidget(box, 0, 0, 1, 3)
        box, self.reference = _box("Reference")
        grid.addWidget(box, 1, 0)
        box, self.output = _box("This model")
        grid.addWidget(box, 1, 1)
        self.other_box, self.other = _box("Other model")
        grid.addWidget(self.other_box, 1, 2)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        grid.setVerticalSpacing(4)
        layout.addLayout(grid, 1)
        self.diff = QTableWidget(0, 4)
        self.diff.setHorizontalHeaderLabels(["Field", "Reference", "Predicted", "Match"])
        self.diff.horizontalHeader().setStretchLastSection(True)
        self.diff.verticalHeader().setVisible(False)
        self.diff.setMaximumHeight(150)
        self.diff.hide()
        layout.addWidget(self.diff)
        buttons = QHBoxLayout()
        self.verdict = QLabel("")
        buttons.addWidget(self.verdict, 1)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Note (required for 'reference wrong': it goes back to labelling)")
        buttons.addWidget(self.note, 2)
        self.model_wrong = QPushButton("Model wrong")
        self.model_wrong.setToolTip("Ctrl+1")
        self.reference_wrong = QPushButton("Reference wrong")
        self.reference_wrong.setToolTip("Ctrl+2: flags the example for relabelling with the note")
        self.clear_verdict = QPushButton("Clear verdict")
        self.clear_verdict.setToolTip("Ctrl+0: remove the verdict from this prediction")
        for b in (self.model_wrong, self.reference_wrong, self.clear_verdict):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.model_wrong.clicked.connect(lambda: self._ask(MODEL_WRONG))
        self.reference_wrong.clicked.connect(lambda: self._ask(REFERENCE_WRONG))
        self.clear_verdict.clicked.connect(lambda: self._ask(None))
        for keys, button in (("Ctrl+1", self.model_wrong), ("Ctrl+2", self.reference_wrong),
                             ("Ctrl+0", self.clear_verdict)):
            QShortcut(QKeySequence(keys), self).activated.connect(button.click)
        self.show_row(None)

    def _ask(self, verdict: str | None) -> None:
        if self.row is not None:
            self.verdict_requested.emit(verdict, self.note.text())

    def show_row(self, row: PredictionRow | None, kind: str = "classification") -> None:
        self.row = row
        for b in (self.model_wrong, self.reference_wrong, self.clear_verdict):
            b.setEnabled(row is not None)
        if row is None:
            self.title.setText("Select an example")
            for box in (self.input_text, self.reference, self.output, self.other):
                box.clear()
            self.verdict.setText("")
            self.diff.hide()
            return
        right = "right" if row.correct else "wrong"
        self.title.setText(f"Example #{row.example_id}: this model is {right}")
        self.input_text.setPlainText(row.input_text)
        self.reference.setPlainText(row.reference)
        self.output.setPlainText(row.output)
        self.other_box.setVisible(row.other_output is not None)
        self.other.setPlainText(row.other_output or "")
        self.note.setText(row.review_note or "")
        self.verdict.setText(f"Verdict: {row.review}" if row.review else "Not reviewed")
        self.clear_verdict.setEnabled(row.review is not None)
        if kind == "extraction":
            self._show_diff(row)
        else:
            self.diff.hide()

    def _show_diff(self, row: PredictionRow) -> None:
        rows = field_diff(parse_record(row.reference), parse_record(row.output))
        self.diff.setRowCount(len(rows))
        for i, d in enumerate(rows):
            cells = [d["field"], _value(d["reference"]), _value(d["predicted"]), "✓" if d["match"] else "✗"]
            for j, text in enumerate(cells):
                self.diff.setItem(i, j, QTableWidgetItem(text))
        self.diff.show()
