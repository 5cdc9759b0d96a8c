"""Which columns of a CSV file hold the example's text and its answer, asked when the file does
not use the default names ``text`` and ``label``. The likeliest columns are chosen already."""

from __future__ import annotations

from desktop.qt import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

DEFAULT_TEXT, DEFAULT_ANSWER = "text", "label"
TEXT_NAMES = ("text", "content", "body", "message", "report", "description", "input", "document", "question")
ANSWER_NAMES = ("label", "category", "class", "answer", "output", "target", "completion", "response")
NO_ANSWER = "(none: import without answers)"


def has_default_columns(columns: list[str]) -> bool:
    return DEFAULT_TEXT in columns and DEFAULT_ANSWER in columns


def likeliest(columns: list[str], names: tuple[str, ...], avoid: str | None = None) -> str | None:
    """The first column whose name (ignoring case and spaces) is one of ``names``, in their order."""
    folded = {c.strip().lower(): c for c in columns if c != avoid}
    return next((folded[n] for n in names if n in folded), None)


class ColumnsDialog(QDialog):
    def __init__(self, file_name: str, columns: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Columns of {file_name}")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        note = QLabel(f"{file_name} has the columns {', '.join(columns)}. Which one holds the text to learn "
                      "from, and which one the answer (the label, or the filled-in fields as JSON)?")
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.text_column = QComboBox()
        self.text_column.addItems(columns)
        text = likeliest(columns, TEXT_NAMES) or columns[0]
        self.text_column.setCurrentText(text)
        self.answer_column = QComboBox()
        self.answer_column.addItem(NO_ANSWER, None)
        for column in columns:
            self.answer_column.addItem(column, column)
        answer = likeliest(columns, ANSWER_NAMES, avoid=text)
        if answer is not None:
            self.answer_column.setCurrentIndex(self.answer_column.findData(answer))
        form.addRow("Text column", self.text_column)
        form.addRow("Answer column", self.answer_column)
        layout.addLayout(form)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b91c1c; font-weight: 600;")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.text_column.currentIndexChanged.connect(self._check)
        self.answer_column.currentIndexChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        same = self.answer_column.currentData() == self.text_column.currentText()
        self.problem.setText("The text and the answer must be different columns." if same else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not same)

    def chosen(self) -> tuple[str, str | None]:
        """(text column, answer column or None)."""
        return self.text_column.currentText(), self.answer_column.currentData()
