"""Extraction tab: the task's JSON schema drives the answer; shown as a form (with per-field
confidence) and as JSON, flagged when unsure."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop import formatting as fmt
from desktop.changes import CONSOLE_CALL
from desktop.console.task_picker import fill_tasks
from desktop.jobs import Job
from desktop.qt import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QShortcut,
    Qt,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.jobs import JobContext
    from engine.workspace import Workspace


class ExtractTab(QWidget):
    def __init__(self, runner: JobRunner, workspace: Callable[[], Workspace | None],
                 artifact: Callable[[], int | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self._workspace, self._artifact = runner, workspace, artifact
        self._job: Job[Any] | None = None
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        task_row = QHBoxLayout()
        task_row.addWidget(QLabel("Extraction task"))
        self.task = QComboBox()
        task_row.addWidget(self.task, 1)
        left.addLayout(task_row)
        self.input = QPlainTextEdit()
        self.input.setPlaceholderText("Paste a document; personal data is redacted before the model sees it.")
        left.addWidget(self.input, 1)
        row = QHBoxLayout()
        self.extract_button = QPushButton("Extract")
        self.extract_button.setProperty("accent", True)
        self.extract_button.clicked.connect(self.extract)
        row.addWidget(self.extract_button)
        self.status = QLabel()
        self.status.setObjectName("Muted")
        row.addWidget(self.status, 1)
        left.addLayout(row)
        layout.addLayout(left, 3)
        right = QVBoxLayout()
        self.form_box = QGroupBox("Answer")
        self.form = QFormLayout(self.form_box)
        right.addWidget(self.form_box)
        self.verdict = QLabel("No answer yet")
        self.verdict.setObjectName("Badge")
        self.verdict.setWordWrap(True)
        right.addWidget(self.verdict)
        self.json_view = QPlainTextEdit()
        self.json_view.setReadOnly(True)
        self.json_view.setPlaceholderText("The answer as JSON (always valid against the task's schema)")
        right.addWidget(self.json_view, 1)
        layout.addLayout(right, 2)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.extract)

    def load(self, ws: Workspace) -> None:
        fill_tasks(self.task, ws, ("extraction",), own_task=False)
        self.extract_button.setEnabled(self.task.count() > 0)
        self.status.setText("" if self.task.count() else "No extraction task yet: create one with a JSON schema.")

    def extract(self) -> None:
        ws, artifact, text = self._workspace(), self._artifact(), self.input.toPlainText().strip()
        task_id = self.task.currentData()
        if ws is None or artifact is None or not text or task_id is None or self._job is not None:
            return

        def extract_job(ctx: JobContext) -> Any:
            from engine.console import extract_text

            ctx.report(0.0, "answering")
            return extract_text(ws, artifact, text, task_id=int(task_id))

        self.status.setText("Extracting…")
        self.extract_button.setEnabled(False)
        self._job = (Job(extract_job, "Extract", CONSOLE_CALL).on_success(self.show_answer).on_failure(self._failed)
                     .on_finished(self._ended).run(self.runner))

    def show_answer(self, answer: Any) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        for key, value in answer.value.items():
            conf = answer.fields.get(key)
            shown = value if isinstance(value, str) else json.dumps(value)
            label = QLabel(f"{shown}   ({conf:.0%})" if conf is not None else str(shown))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(f"{key}:", label)
        self.json_view.setPlainText(json.dumps(answer.value, indent=2, ensure_ascii=False))
        state = "unsure" if answer.flagged else "ok"
        self.verdict.setText(("⚠ Unsure, queued for review" if answer.flagged else "✔ Confident answer")
                             + f" · confidence {answer.confidence:.0%} · {fmt.millis(answer.latency_ms)}")
        self.verdict.setProperty("state", state)
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)

    def _failed(self, error: BaseException) -> None:
        self.verdict.setText(f"✖ No answer: {error}")
        self.verdict.setProperty("state", "error")

    def _ended(self, _job: Job[Any]) -> None:
        self._job = None
        self.status.clear()
        self.extract_button.setEnabled(True)
