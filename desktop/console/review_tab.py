"""Review tab: flagged answers; confirm, correct or dismiss each. Confirmed and corrected answers
become labelled examples of the task (origin 'correction'), ready for the next dataset version."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop import formatting as fmt
from desktop.qt import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from desktop.widgets.table import Column, DataTable

if TYPE_CHECKING:
    from engine.workspace import Workspace

COLUMNS = [
    Column("Call", lambda c: str(c.id), width=60),
    Column("Mode", lambda c: c.mode, width=80),
    Column("Answer", lambda c: c.output, width=220, tooltip=lambda c: c.output),
    Column("Confidence", lambda c: fmt.percent(c.confidence), width=100, align="right"),
    Column("Input (redacted)", lambda c: c.redacted_input.replace("\n", " "), stretch=True,
           tooltip=lambda c: c.redacted_input),
]


class ReviewTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws: Workspace | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Flag answers whose expected accuracy is under"))
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setDecimals(2)
        self.threshold.setToolTip("A calibrated model's confidence is its expected accuracy: 0.90 flags answers "
                                  "below 90 % expected accuracy for review (workspace setting). Calibrate a model on "
                                  "the Evaluation page or with `airlock eval calibrate`.")
        self.threshold.editingFinished.connect(self._save_threshold)
        top.addWidget(self.threshold)
        top.addSpacing(16)
        self.fallback = QLabel()
        self.fallback.setObjectName("Muted")
        top.addWidget(self.fallback)
        self.fallback_button = QPushButton("Fallback model…")
        self.fallback_button.setToolTip("A larger local GGUF that answers under the threshold are asked again of; "
                                        "only what it is unsure of too comes here")
        self.fallback_button.clicked.connect(self._choose_fallback)
        self.fallback_clear = QPushButton("No fallback")
        self.fallback_clear.clicked.connect(lambda: self._set_fallback(None))
        top.addWidget(self.fallback_button)
        top.addWidget(self.fallback_clear)
        top.addStretch(1)
        layout.addLayout(top)
        self.table = DataTable(COLUMNS, "No flagged answers waiting for review.")
        self.table.row_selected.connect(self._selected)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.correction = QLineEdit()
        self.correction.setPlaceholderText("the right answer: a label, or JSON for an extraction")
        row.addWidget(self.correction, 1)
        self.confirm_button = QPushButton("Answer is right")
        self.confirm_button.clicked.connect(lambda: self._resolve(None))
        self.correct_button = QPushButton("Save correction")
        self.correct_button.setProperty("accent", True)
        self.correct_button.clicked.connect(lambda: self._resolve(self.correction.text().strip() or None))
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.clicked.connect(self._dismiss)
        for b in (self.confirm_button, self.correct_button, self.dismiss_button):
            row.addWidget(b)
        layout.addLayout(row)
        self.status = QLabel()
        self.status.setObjectName("Muted")
        layout.addWidget(self.status)

    def load(self, ws: Workspace) -> None:
        self._ws = ws
        self.threshold.blockSignals(True)
        self.threshold.setValue(min(1.0, ws.console.log.threshold()))
        self.threshold.blockSignals(False)
        self.table.set_rows(ws.console.reviews.queue())
        self.status.setText(f"{self.table.row_count()} answer(s) waiting for review")
        self._show_fallback()

    def _show_fallback(self) -> None:
        from engine.console.cascade import fallback_path

        path = fallback_path(self._ws) if self._ws is not None else None
        self.fallback.setText(f"asked again first: {path.name}" if path else "no fallback model")
        self.fallback.setToolTip(str(path) if path else "")
        self.fallback_clear.setEnabled(path is not None)

    def _choose_fallback(self) -> None:
        from desktop.qt import QFileDialog

        name, _ = QFileDialog.getOpenFileName(self, "Fallback model (a larger GGUF)", "", "GGUF models (*.gguf)")
        if name:
            self._set_fallback(name)

    def _set_fallback(self, name: str | None) -> None:
        from pathlib import Path

        from engine.console.cascade import set_fallback
        from engine.errors import AirlockError

        if self._ws is None:
            return
        try:
            set_fallback(self._ws, Path(name) if name else None)
        except AirlockError as exc:
            QMessageBox.warning(self, "Not a fallback model", str(exc))
        self._show_fallback()

    def _save_threshold(self) -> None:
        from engine.console.calls import THRESHOLD_SETTING

        if self._ws is not None and abs(self._ws.console.log.threshold() - self.threshold.value()) > 1e-9:
            self._ws.set_setting(THRESHOLD_SETTING, f"{self.threshold.value():.2f}")

    def _selected(self, call: Any) -> None:
        if call is not None:
            self.correction.setText(call.output)

    def _resolve(self, value: str | None) -> None:
        from engine.errors import AirlockError

        call = self.table.selected_row()
        if call is None or self._ws is None:
            return
        try:
            example = self._ws.console.reviews.resolve(call.id, value)
        except AirlockError as exc:
            QMessageBox.warning(self, "Cannot save", str(exc))
            return
        self.load(self._ws)
        self.status.setText(f"Call {call.id} became labelled example {example}. " + self.status.text())

    def _dismiss(self) -> None:
        call = self.table.selected_row()
        if call is None or self._ws is None:
            return
        self._ws.console.reviews.dismiss(call.id)
        self.load(self._ws)
