"""The right-hand side of the labelling page: one example, its marks, the answer editor, the keys.

It only shows and collects; the page decides what a key or a button does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.labelling.editors import AnswerEditor, ClassificationEditor, GenerationEditor
from desktop.labelling.schema_form import ExtractionEditor
from desktop.qt import (
    QFrame,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
)
from desktop.widgets.undo import key_text

if TYPE_CHECKING:
    from engine.tasks.browse import ExampleDetail
    from engine.tasks.service import TaskInfo

SHORTCUTS = [("1–9", "pick label"), ("Enter", "accept + next"), ("Ctrl+Enter", "accept (any mode)"),
             ("J / ↓", "next"), ("K / ↑", "previous"), ("S", "skip"), ("F", "flag"), ("G", "golden"),
             ("O", "out-of-distribution"), ("N", "note"), ("Ctrl+Z", "undo"), ("Ctrl+Shift+Z", "redo")]
PANEL_STYLE = """
#KeyHelp { color: #4b5563; background: #f3f4f6; border-radius: 6px; padding: 6px 10px; }
#Problems { color: #b91c1c; font-weight: 600; }
#Problems[ok="true"] { color: #15803d; }
#Disagree { color: #b45309; font-weight: 600; }
#EditorStack, #EditorStack QScrollArea, #EditorStack QScrollArea > QWidget > QWidget { background: transparent; }
QPushButton#Mark:checked { background: #fef3c7; border: 1px solid #d97706; color: #92400e; font-weight: 600; }
"""
MARKS = (("golden", "★ Golden", "G"), ("flagged", "⚑ Flag", "F"), ("ood", "◇ Out-of-distribution", "O"))


def key_help(kind: str) -> str:
    keys = [(k, what) for k, what in SHORTCUTS if not (k == "1–9" and kind != "classification")
            and not (k == "Enter" and kind == "generation")]
    return "   ".join(f"<b>{k}</b> {what}" for k, what in keys)


class ExamplePanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.setStyleSheet(PANEL_STYLE)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(8)

        top = QHBoxLayout()
        self.title = QLabel("No example")
        self.title.setObjectName("SectionTitle")
        top.addWidget(self.title)
        self.position = QLabel()
        self.position.setObjectName("Muted")
        top.addWidget(self.position, 1)
        self.mark_buttons: dict[str, QPushButton] = {}
        for name, text, key in MARKS:
            button = QPushButton(f"{text}  ({key})")
            button.setObjectName("Mark")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            top.addWidget(button)
            self.mark_buttons[name] = button
        outer.addLayout(top)

        self.given = QLabel()
        self.given.setWordWrap(True)
        self.given.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.given)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("Note for reviewers (N to write, Enter to save)")
        outer.addWidget(self.note_edit)

        split = QSplitter(Qt.Orientation.Vertical)
        self.input_view = QPlainTextEdit()
        self.input_view.setReadOnly(True)
        self.input_view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        split.addWidget(self.input_view)
        self.editors: dict[str, AnswerEditor] = {"classification": ClassificationEditor(),
                                                 "extraction": ExtractionEditor(),
                                                 "generation": GenerationEditor()}
        self.stack = QStackedWidget()
        self.stack.setObjectName("EditorStack")
        for editor in self.editors.values():
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(editor)
            self.stack.addWidget(scroll)
        split.addWidget(self.stack)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        outer.addWidget(split, 1)

        self.problems = QLabel()
        self.problems.setObjectName("Problems")
        self.problems.setWordWrap(True)
        outer.addWidget(self.problems)
        buttons = QHBoxLayout()
        self.accept_button = QPushButton("Accept  ⏎")
        self.accept_button.setProperty("accent", True)
        self.skip_button = QPushButton("Skip  (S)")
        self.undo_button = QPushButton(f"Undo  ({key_text(QKeySequence.StandardKey.Undo)})")
        self.redo_button = QPushButton(f"Redo  ({key_text(QKeySequence.StandardKey.Redo)})")
        for button in (self.accept_button, self.skip_button, self.undo_button, self.redo_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.keys = QLabel()
        self.keys.setObjectName("KeyHelp")
        self.keys.setWordWrap(True)
        self.keys.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.keys)
        self.kind = ""

    @property
    def editor(self) -> AnswerEditor:
        return self.editors.get(self.kind) or self.editors["classification"]

    def set_task(self, task: TaskInfo) -> None:
        self.kind = task.kind
        self.editor.set_task(task)
        self.stack.setCurrentIndex(list(self.editors).index(task.kind))
        self.keys.setText(key_help(task.kind))

    def show_example(self, detail: ExampleDetail | None, my_value: str | None, position: str,
                     marks: dict[str, bool], resolving: bool) -> None:
        if detail is None:
            self.title.setText("No example")
            self.position.setText(position)
            self.given.clear()
            self.note_edit.clear()
            self.input_view.clear()
            self.editor.set_value(None)
            for button in self.mark_buttons.values():
                button.setChecked(False)
            return
        from engine.tasks.display import label_text

        self.title.setText(f"Example #{detail.id}")
        self.position.setText(position)
        self.input_view.setPlainText(detail.input_text)
        values = {lb.value for lb in detail.labels}
        parts = [f"{lb.annotator}: <b>{_escape(label_text(lb.value))}</b>" for lb in detail.labels]
        text = "Labels — " + ("   ·   ".join(parts) if parts else "none yet")
        if len(values) > 1:
            text = f"<span style='color:#b45309'>Annotators disagree.</span> {text}"
        self.given.setText(text)
        self.note_edit.setText(detail.note or "")
        self.set_marks(marks)
        enter = "⏎" if self.editor.plain_enter_accepts else "Ctrl+⏎"
        self.accept_button.setText(f"{'Resolve' if resolving else 'Accept'}  {enter}")
        self.editor.set_value(my_value)

    def set_marks(self, marks: dict[str, bool]) -> None:
        for name, button in self.mark_buttons.items():
            button.setChecked(bool(marks.get(name)))

    def show_problems(self, problems: list[str]) -> None:
        if self.problems.property("ok") != (not problems):  # re-polishing is slow: only on a change
            self.problems.setProperty("ok", not problems)
            self.problems.style().unpolish(self.problems)
            self.problems.style().polish(self.problems)
        self.problems.setText("✓ ready to accept" if not problems else "✗ " + "; ".join(problems))
        self.accept_button.setEnabled(not problems)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
