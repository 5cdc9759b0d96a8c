"""Sign a gate change: the signer confirms what their signature means and why they sign.

Asked before freezing a version for training, promoting a model (gate green or overridden) and
turning keep-originals on; the engine writes the signature into the change's own audit event.
"""

from __future__ import annotations

from desktop.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from engine.signatures import MEANINGS, Signature

MEANING_HELP = {
    "reviewed": "I reviewed it",
    "approved": "I approve it",
    "responsible": "I take responsibility for it",
}


class SignDialog(QDialog):
    def __init__(self, what: str, signer: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign this change")
        layout = QVBoxLayout(self)
        intro = QLabel(f"You are signing <b>{what}</b> as <b>{signer}</b>. Your name, the time, the meaning "
                       "and the reason are written into the change's audit event.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.meaning = QComboBox()
        for meaning in MEANINGS:
            self.meaning.addItem(f"{meaning} — {MEANING_HELP[meaning]}", meaning)
        self.meaning.setCurrentIndex(1)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why you sign (required)")
        form.addRow("Meaning", self.meaning)
        form.addRow("Reason", self.reason)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Sign")
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda text: self.ok.setEnabled(len(text.strip()) >= 3))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    def signature(self) -> Signature:
        return Signature(str(self.meaning.currentData()), self.reason.text())


def ask_signature(parent: QWidget | None, what: str, signer: str) -> Signature | None:
    """The signature, or None when the user cancels (then nothing is changed)."""
    dialog = SignDialog(what, signer, parent)
    return dialog.signature() if dialog.exec() == QDialog.DialogCode.Accepted else None
