"""A new task: its kind (classification with a label set, extraction with a JSON schema, or
generation), and the prompt template used identically in training, evaluation and the console.

What is typed is checked as it is typed by the engine's own rules (``check_spec``), so the
dialog cannot create a task the engine would refuse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from desktop.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

CAPTIONS = {"classification": "Labels, one per line as  name: what it means  (the meaning is shown to annotators)",
            "extraction": "The fields to fill in, as a JSON schema (types, enums, required)",
            "generation": "Answers are free text written in an editor"}
KINDS = {"classification": "Classification: pick one label from a set",
         "extraction": "Extraction: fill in fields (a JSON schema)",
         "generation": "Generation: write a free-text answer"}
LABELS_HINT = "one label per line:  name: what it means\ne.g.\nrefund: the customer wants money back"
SCHEMA_EXAMPLE = {"type": "object", "required": ["machine"],
                  "properties": {"machine": {"type": "string", "description": "which machine"},
                                 "severity": {"enum": ["low", "high"]}}}


@dataclass(frozen=True)
class TaskRequest:
    name: str
    kind: str
    spec: dict[str, Any]
    system_prompt: str
    user_template: str


def parse_labels(text: str) -> list[dict[str, str]]:
    """``name: description`` lines (the description may be left out); blank lines are skipped."""
    labels = []
    for line in text.splitlines():
        name, _, description = line.partition(":")
        if name.strip():
            labels.append({"name": name.strip(), "description": description.strip()})
    return labels


class NewTaskDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New task")
        self.resize(640, 620)
        box = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. ticket triage")
        self.kind = QComboBox()
        for kind, text in KINDS.items():
            self.kind.addItem(text, kind)
        form.addRow("Name", self.name)
        form.addRow("Kind", self.kind)
        box.addLayout(form)

        self.kind_pages = QStackedWidget()
        self.labels = QPlainTextEdit()
        self.labels.setPlaceholderText(LABELS_HINT)
        self.schema = QPlainTextEdit(json.dumps(SCHEMA_EXAMPLE, indent=2))
        self.max_chars = QSpinBox()
        self.max_chars.setRange(0, 1_000_000)
        self.max_chars.setSpecialValueText("no limit")
        self.max_chars.setSuffix(" characters")
        generation = QWidget()
        gen_form = QFormLayout(generation)
        gen_form.addRow("Longest answer", self.max_chars)
        for page in (self.labels, self.schema, generation):
            self.kind_pages.addWidget(page)
        self.caption = QLabel(CAPTIONS["classification"])
        box.addWidget(self.caption)
        box.addWidget(self.kind_pages, 1)

        prompt = QFormLayout()
        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setPlaceholderText("What the model is told before every input, e.g. "
                                              "\"Classify the maintenance report.\"")
        self.system_prompt.setMaximumHeight(90)
        self.user_template = QPlainTextEdit("{input}")
        self.user_template.setMaximumHeight(60)
        self.user_template.setToolTip("How an input becomes the user turn; {input} is replaced by the example")
        prompt.addRow("System prompt", self.system_prompt)
        prompt.addRow("User turn", self.user_template)
        box.addLayout(prompt)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b91c1c;")
        box.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create task")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        box.addWidget(self.buttons)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        for edit in (self.labels, self.schema, self.system_prompt, self.user_template):
            edit.textChanged.connect(self.validate)
        self.name.textChanged.connect(lambda _t: self.validate())
        self.max_chars.valueChanged.connect(lambda _v: self.validate())
        self.validate()

    def _kind_changed(self, index: int) -> None:
        self.kind_pages.setCurrentIndex(index)
        self.caption.setText(CAPTIONS[str(self.kind.currentData())])
        self.validate()

    def spec(self) -> dict[str, Any]:
        kind = str(self.kind.currentData())
        if kind == "classification":
            return {"labels": parse_labels(self.labels.toPlainText())}
        if kind == "extraction":
            try:
                schema = json.loads(self.schema.toPlainText())
            except ValueError as exc:
                return {"schema": None, "json_error": str(exc)}
            return {"schema": schema}
        return {"max_chars": self.max_chars.value()} if self.max_chars.value() else {}

    def request(self) -> TaskRequest:
        return TaskRequest(self.name.text().strip(), str(self.kind.currentData()), self.spec(),
                           self.system_prompt.toPlainText().strip(), self.user_template.toPlainText())

    def validate(self) -> str | None:
        """The first problem (shown under the form; Create is off while there is one), or None."""
        from engine.errors import AirlockError
        from engine.tasks.validation import check_spec

        request = self.request()
        problem = None
        if "json_error" in request.spec:
            problem = f"The schema is not valid JSON: {request.spec['json_error']}"
        elif not request.name:
            problem = "Give the task a name."
        elif "{input}" not in request.user_template:
            problem = "The user turn must contain {input} (where the example's text goes)."
        else:
            try:
                check_spec(request.kind, request.spec)
            except AirlockError as exc:
                problem = str(exc)[:1].upper() + str(exc)[1:] + "."
        self.problem.setText(problem or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)
        return problem
