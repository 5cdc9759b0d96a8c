"""Dialogs of the Evaluation page: start an evaluation run; override a red regression gate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from engine.evaluation.gate import GateResult
    from engine.workspace import Workspace


class EvaluateDialog(QDialog):
    """Model x dataset version split x prompt mode."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Evaluate a model")
        form = QFormLayout(self)
        self.model = QComboBox()
        self.model.addItem("Base model (prompted)", "base")
        for a in ws.models.artifacts(kind="gguf", promoted_first=True):
            self.model.addItem(f"{a.name}{' (promoted)' if a.promoted else ''}", a.id)
        self.version = QComboBox()
        for version_id, name in _versions(ws):
            self.version.addItem(name, version_id)
        self.split = QComboBox()
        for split in ("test", "golden", "ood"):
            self.split.addItem(split, split)
        self.shots = QSpinBox()
        self.shots.setRange(0, 16)
        self.shots.setSpecialValueText("zero-shot")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        form.addRow("Model", self.model)
        form.addRow("Dataset version", self.version)
        form.addRow("Split", self.split)
        form.addRow("Few-shot examples from train", self.shots)
        form.addRow("Seed for the examples", self.seed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Evaluate")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.version.count() > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choice(self) -> tuple[str | int, int, str, int, int]:
        return (self.model.currentData(), int(self.version.currentData()), str(self.split.currentData()),
                self.shots.value(), self.seed.value())


def _versions(ws: Workspace) -> list[tuple[int, str]]:
    """Dataset versions, newest first."""
    return [(v.id, f"{v.name} ({v.content_hash[:10]})") for v in reversed(ws.datasets.versions())]


class OverrideDialog(QDialog):
    """The gate is red: say why the candidate is promoted anyway (recorded in the audit log)."""

    def __init__(self, name: str, gate: GateResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Regression gate is red")
        layout = QVBoxLayout(self)
        text = QLabel(f"<b>{name}</b> did not pass the regression gate:<ul>"
                      + "".join(f"<li>{r}</li>" for r in gate.reasons) + "</ul>"
                      "Promote it anyway only with a reason; the reason and your user name are recorded "
                      "in the audit log.")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("Why is this model promoted despite the gate?")
        layout.addWidget(self.reason)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Promote with override")
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda: self.ok.setEnabled(bool(self.reason.toPlainText().strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def text(self) -> str:
        return self.reason.toPlainText().strip()


class CostSettingsDialog(QDialog):
    """This machine's cost and power, the cloud alternative's figures, and the gate threshold."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Costs and regression gate")
        form = QFormLayout(self)
        self.fields: dict[str, QLineEdit] = {}
        for key, value, meaning in ws.evaluation.settings():
            edit = QLineEdit(value)
            edit.setToolTip(key)
            self.fields[key] = edit
            form.addRow(meaning[0].upper() + meaning[1:], edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, str]:
        return {k: e.text() for k, e in self.fields.items()}
