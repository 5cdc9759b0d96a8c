"""The readiness report: the product's rules for training data, each ok / warn / refuse with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.qt import QFrame, QHBoxLayout, QLabel, QPushButton, QSpinBox, Qt, QVBoxLayout, QWidget, Signal

if TYPE_CHECKING:
    from engine.datasets.readiness import ReadinessReport

LEVELS = {"ok": ("✓", "#065f46", "#ecfdf5", "#a7f3d0"),
          "warn": ("⚠", "#92400e", "#fffbeb", "#fcd34d"),
          "refuse": ("✕", "#991b1b", "#fef2f2", "#fecaca")}
NAMES = {"examples": "Enough examples", "agreement": "Annotator agreement", "leakage": "No leakage",
         "disagreements": "Disagreements resolved", "balance": "Class balance"}


class CheckRow(QFrame):
    def __init__(self, name: str, level: str, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        icon, fg, bg, border = LEVELS.get(level, LEVELS["warn"])
        self.level = level
        self.setObjectName("CheckRow")
        self.setStyleSheet(f"#CheckRow {{ background: {bg}; border: 1px solid {border}; border-radius: 8px; }}"
                           f"#CheckRow QLabel {{ color: {fg}; background: transparent; }}")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        mark = QLabel(icon)
        mark.setStyleSheet("font-size: 15pt; font-weight: 700;")
        mark.setFixedWidth(26)
        row.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(2)
        title = QLabel(f"{NAMES.get(name, name.capitalize())} — {level}")
        title.setStyleSheet("font-weight: 700;")
        text.addWidget(title)
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.addWidget(self.message)
        row.addLayout(text, 1)


class ReadinessView(QWidget):
    minimum_changed = Signal(int)  # the user applied a new minimum number of examples

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 8, 0, 0)
        self._box.setSpacing(8)
        self.verdict = QLabel("Select a version to check whether it is ready to train on.")
        self.verdict.setObjectName("SectionTitle")
        self.verdict.setWordWrap(True)
        self._box.addWidget(self.verdict)
        self.rows: list[CheckRow] = []
        self._box.addStretch(1)
        self._stored_minimum = 0
        self._box.addLayout(self._build_minimum())

    def _build_minimum(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("Refuse to train on fewer than"))
        self.minimum = QSpinBox()
        self.minimum.setRange(1, 10_000_000)
        self.minimum.setSingleStep(50)
        self.minimum.setSuffix(" examples")
        self.minimum.setToolTip("A workspace setting; under 1,000 examples the report warns in any case")
        row.addWidget(self.minimum)
        self.apply_minimum = QPushButton("Apply")
        self.apply_minimum.setEnabled(False)
        self.apply_minimum.clicked.connect(lambda: self.minimum_changed.emit(self.minimum.value()))
        self.minimum.valueChanged.connect(lambda v: self.apply_minimum.setEnabled(v != self._stored_minimum))
        row.addWidget(self.apply_minimum)
        row.addStretch(1)
        return row

    def set_minimum(self, n: int) -> None:
        """Show the workspace's stored minimum."""
        self._stored_minimum = n
        self.minimum.setValue(n)
        self.apply_minimum.setEnabled(False)

    def _clear_rows(self) -> None:
        for row in self.rows:
            self._box.removeWidget(row)
            row.deleteLater()
        self.rows = []

    def show_pending(self, text: str) -> None:
        self._clear_rows()
        self.verdict.setStyleSheet("")
        self.verdict.setText(text)

    def show_report(self, report: ReadinessReport) -> None:
        self._clear_rows()
        refused = [c for c in report.checks if c.level == "refuse"]
        warned = [c for c in report.checks if c.level == "warn"]
        if report.ready:
            text = f"{report.version_name} is ready to train on" + (
                f" ({len(warned)} warning{'s' if len(warned) != 1 else ''} to read)" if warned else "")
            color = "#065f46"
        else:
            text = f"{report.version_name} is not ready: {len(refused)} check{'s' if len(refused) != 1 else ''} refuse"
            color = "#991b1b"
        self.verdict.setStyleSheet(f"color: {color};")
        self.verdict.setText(text)
        for i, check in enumerate(report.checks):
            row = CheckRow(check.name, check.level, check.message)
            self._box.insertWidget(1 + i, row)
            self.rows.append(row)
