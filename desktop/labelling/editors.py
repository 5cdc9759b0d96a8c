"""The answer editors, one per task kind: label buttons, a schema form (schema_form.py), free text.

Each editor shows one example's answer, says what is wrong with it as it changes
(``problems``, from the engine's own validation), and hands back the value to store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.qt import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget, Signal
from engine.tasks.validation import value_problems

if TYPE_CHECKING:
    from engine.tasks.service import TaskInfo

CHOICE_STYLE = """
QPushButton#LabelChoice { text-align: left; padding: 8px 12px; border-radius: 8px; }
QPushButton#LabelChoice:checked { background: #dbeafe; border: 1px solid #2563eb; color: #1e3a8a; }
"""


class AnswerEditor(QWidget):
    changed = Signal()
    plain_enter_accepts = True
    hint = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task: TaskInfo | None = None

    def set_task(self, task: TaskInfo) -> None:
        self.task = task

    def set_value(self, value: str | None) -> None:
        raise NotImplementedError

    def value(self) -> str | None:
        raise NotImplementedError

    def problems(self) -> list[str]:
        value = self.value()
        if value is None or self.task is None:
            return ["no answer yet"]
        return value_problems(self.task.kind, self.task.spec, value)

    def focus_answer(self) -> None:
        """Put the keyboard where the answer is typed (if it is typed)."""


class ClassificationEditor(AnswerEditor):
    hint = "1–9 pick a label · Enter accepts"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(CHOICE_STYLE)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self.buttons: list[QPushButton] = []
        self.names: list[str] = []

    def set_task(self, task: TaskInfo) -> None:
        super().set_task(task)
        for button in self.buttons:
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons, self.names = [], []
        labels: list[Any] = list(task.spec.get("labels", []))
        for n, item in enumerate(labels, start=1):
            name, description = str(item.get("name", "")), str(item.get("description", "") or "")
            key = f"{n}" if n <= 9 else " "
            text = f"{key}    {name}" + (f"\n       {description}" if description else "")
            button = QPushButton(text)
            button.setObjectName("LabelChoice")
            button.setCheckable(True)
            button.setAutoExclusive(True)
            button.setToolTip(f"Press {n} to pick {name}" if n <= 9 else name)
            button.clicked.connect(lambda _c=False: self.changed.emit())
            self._layout.insertWidget(len(self.buttons), button)
            self.buttons.append(button)
            self.names.append(name)

    def pick(self, n: int) -> bool:
        """Pick label number ``n`` (1-based); False when there is no such label."""
        if not 1 <= n <= len(self.buttons):
            return False
        self.buttons[n - 1].setChecked(True)
        self.changed.emit()
        return True

    def set_value(self, value: str | None) -> None:
        if value in self.names:
            self.buttons[self.names.index(value)].setChecked(True)  # unchecks the others
        else:
            for button in self.buttons:  # auto-exclusive buttons cannot all be unchecked directly
                if button.isChecked():
                    button.setAutoExclusive(False)
                    button.setChecked(False)
                    button.setAutoExclusive(True)
        self.changed.emit()

    def value(self) -> str | None:
        return next((n for n, b in zip(self.names, self.buttons, strict=True) if b.isChecked()), None)

    def problems(self) -> list[str]:
        return ["pick a label (1–9)"] if self.value() is None else super().problems()


class GenerationEditor(AnswerEditor):
    plain_enter_accepts = False
    hint = "type the answer · Ctrl+Enter accepts"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        note = QLabel("The answer the model should give for this input:")
        note.setObjectName("Muted")
        layout.addWidget(note)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("Write the answer here. Enter starts a new line; Ctrl+Enter accepts.")
        self.text.textChanged.connect(self.changed.emit)
        layout.addWidget(self.text, 1)

    def set_value(self, value: str | None) -> None:
        self.text.setPlainText(value or "")

    def value(self) -> str | None:
        return self.text.toPlainText()

    def focus_answer(self) -> None:
        self.text.setFocus()
