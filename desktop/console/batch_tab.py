"""Batch tab: a folder of documents or a CSV column in, answers.jsonl + answers.csv out, as a job."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.changes import CONSOLE_CALL
from desktop.console.task_picker import fill_tasks
from desktop.jobs import Job
from desktop.qt import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from desktop.widgets.job_progress import JobProgress

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.jobs import JobContext
    from engine.workspace import Workspace


class BatchTab(QWidget):
    def __init__(self, runner: JobRunner, workspace: Callable[[], Workspace | None],
                 artifact: Callable[[], int | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self._workspace, self._artifact = runner, workspace, artifact
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.task = QComboBox()
        form.addRow("Task", self.task)
        self.source = QLineEdit()
        self.source.setPlaceholderText("a folder of documents, or a CSV file")
        form.addRow("Input", self._with_browse(self.source, folder=False))
        self.column = QLineEdit()
        self.column.setPlaceholderText("for a CSV: the column holding the texts (default: text)")
        form.addRow("CSV column", self.column)
        self.out = QLineEdit()
        self.out.setPlaceholderText("folder for answers.jsonl and answers.csv")
        form.addRow("Output folder", self._with_browse(self.out, folder=True))
        layout.addLayout(form)
        row = QHBoxLayout()
        self.run_button = QPushButton("Run batch")
        self.run_button.setProperty("accent", True)
        self.run_button.clicked.connect(self.run)
        row.addWidget(self.run_button)
        self.result = QLabel("One row per input: answer, confidence, flagged, latency. Inputs are redacted "
                             "like imports and every answer is logged.")
        self.result.setObjectName("Muted")
        self.result.setWordWrap(True)
        row.addWidget(self.result, 1)
        layout.addLayout(row)
        self.progress = JobProgress()
        layout.addWidget(self.progress)
        layout.addStretch(1)

    def load(self, ws: Workspace) -> None:
        fill_tasks(self.task, ws, ("classification", "extraction"))

    def _with_browse(self, edit: QLineEdit, folder: bool) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        browse = QPushButton("Browse…")

        def pick() -> None:
            path = (QFileDialog.getExistingDirectory(self, "Choose a folder") if folder
                    else QFileDialog.getOpenFileName(self, "Choose a CSV file or document")[0])
            if path:
                edit.setText(path)

        browse.clicked.connect(pick)
        row.addWidget(browse)
        return box

    def run(self) -> None:
        ws, artifact = self._workspace(), self._artifact()
        source, out = self.source.text().strip(), self.out.text().strip()
        column = self.column.text().strip() or None
        task_id = self.task.currentData()
        if ws is None or artifact is None or not source or not out or self.progress.busy:
            self.result.setText("Choose a model, an input and an output folder first.")
            return

        def batch_job(ctx: JobContext) -> Any:
            from engine.console.batch import inputs_from, run_batch

            items = inputs_from([Path(source)], column=column)
            return run_batch(ws, items, Path(out), artifact, task_id, ctx=ctx)

        job = Job(batch_job, "Batch", CONSOLE_CALL).on_success(self._done).on_failure(
            lambda e: self.result.setText(f"✖ Batch failed: {e}")).on_cancelled(
            lambda: self.result.setText("Batch cancelled: no output was written."))
        self.progress.track(job, "Answering the batch")
        job.run(self.runner)

    def _done(self, result: Any) -> None:
        self.result.setText(f"✔ {result.rows} answers ({result.flagged} flagged for review, {result.errors} "
                            f"errors) written to {result.jsonl} and {result.csv}")
