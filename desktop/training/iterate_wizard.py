"""The next-iteration wizard: what it starts from, then every step of the flow as it runs (new
version with stable splits, training with the last run's settings, export, calibration, evaluation
against the promoted model, gate, promotion), with progress and Cancel; the gate's verdict at the end.
The work is ``engine.iteration.iterate`` run as a job; Start asks
for the person's signature first (it signs the freeze and the promotion)."""

from __future__ import annotations

from typing import Any

from desktop import sign_dialog
from desktop.changes import ITERATION
from desktop.jobs import Job, JobRunner
from desktop.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from engine.iteration import IterationPlan, IterationResult, iterate, preview
from engine.workspace import Workspace

# (where the step starts in the job's progress, what it does)
STEPS = ((0.0, "Freeze a new dataset version (earlier splits kept)"),
         (0.1, "Train with the last run's settings"),
         (0.6, "Export to GGUF"),
         (0.7, "Calibrate the confidence on the eval split"),
         (0.75, "Evaluate the new model and the promoted one on the same test and golden splits"),
         (0.95, "Apply the regression gate"),
         (0.98, "Promote when the gate is green"))
MARKS = {"pending": "○", "running": "▶", "done": "✓", "stopped": "✗"}


class IterateWizard(QDialog):
    def __init__(self, ws: Workspace, runner: JobRunner, task_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self.job: Job[IterationResult] | None = None
        self.result: IterationResult | None = None  # type: ignore[assignment]
        self.setWindowTitle("Next iteration")
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.task = QComboBox()
        for t in ws.tasks.all():
            self.task.addItem(f"{t.name} ({t.kind})", t.id)
        if task_id is not None and self.task.findData(task_id) >= 0:
            self.task.setCurrentIndex(self.task.findData(task_id))
        self.task.currentIndexChanged.connect(lambda _i: self.refresh())
        form.addRow("Task", self.task)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        form.addRow("Starts from", self.summary)
        self.max_steps = QSpinBox()
        self.max_steps.setRange(0, 1_000_000)
        self.max_steps.setSpecialValueText("as in the last run")
        form.addRow("Training steps", self.max_steps)
        self.calibrate = QCheckBox("Fit the confidence calibration on the eval split")
        self.calibrate.setChecked(True)
        form.addRow("", self.calibrate)
        layout.addLayout(form)
        self.steps = QListWidget()
        self.steps.setMaximumHeight(24 * len(STEPS) + 12)
        layout.addWidget(self.steps)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        layout.addWidget(self.bar)
        self.message = QLabel()
        self.message.setObjectName("Muted")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.start_button = QPushButton("Start")
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        for b in (self.start_button, self.cancel_button, self.close_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.refresh()

    def task_id(self) -> int | None:
        data = self.task.currentData()
        return int(data) if data is not None else None

    def refresh(self) -> None:
        self._mark(-1, "pending")
        task_id = self.task_id()
        if task_id is None:
            self.summary.setText("No task yet: create one on the Labelling page.")
            self.start_button.setEnabled(False)
            return
        p = preview(self.ws, task_id)
        settings = ", ".join(f"{k} {p.settings[k]}" for k in ("method", "learning_rate", "epochs", "max_steps")
                             if k in p.settings)
        lines = [f"{p.labelled_examples:,} labelled examples now (console corrections included); "
                 + (f"the last version, {p.last_version}, holds {p.last_version_items:,}" if p.last_version
                    else "no version yet"),
                 f"settings of run #{p.settings_run_id}: {settings}" if p.settings_run_id else "",
                 f"promoted model: {p.promoted}" if p.promoted else "no model promoted yet: the new one will be"]
        if p.problem:
            lines.append(f"Cannot start: {p.problem}")
        self.summary.setText("\n".join(line for line in lines if line))
        self.start_button.setEnabled(p.problem is None and self.job is None)

    def _mark(self, current: int, state: str) -> None:
        """Steps before ``current`` done, ``current`` in ``state``, the rest pending."""
        self.steps.clear()
        for i, (_at, text) in enumerate(STEPS):
            mark = "done" if i < current else state if i == current else "pending"
            self.steps.addItem(f"{MARKS[mark]}  {text}")

    def _progress(self, fraction: float, message: str) -> None:
        self.bar.setValue(round(fraction * 1000))
        self.message.setText(message)
        current = max(i for i, (at, _t) in enumerate(STEPS) if fraction >= at)
        self._mark(current, "running")

    def start(self) -> None:
        task_id = self.task_id()
        if task_id is None or self.job is not None:
            return
        signature = sign_dialog.ask_signature(self, "this iteration (freezing a new version and, when the gate "
                                              "is green, promoting its model)", self.ws.identity.os_user)
        if signature is None:
            return
        plan = IterationPlan(max_steps=self.max_steps.value() or None, calibrate=self.calibrate.isChecked(),
                             signature=signature)
        ws = self.ws
        self.verdict.setText("")
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._mark(0, "running")
        self.job = (Job(lambda ctx: iterate(ws, task_id, plan, ctx), "Next iteration", ITERATION)
                    .with_progress(self._progress).on_success(self._done).on_failure(self._failed)
                    .on_cancelled(self._cancelled).on_finished(self._finished).run(self.runner))

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.message.setText("Cancelling at the next safe point (a training run stops at its next step)…")

    def _stopped_at(self) -> int:
        fraction = self.bar.value() / 1000
        return max(i for i, (at, _t) in enumerate(STEPS) if fraction >= at)

    def _done(self, result: IterationResult) -> None:
        self.result = result
        self.bar.setValue(1000)
        self._mark(len(STEPS) if result.promoted else len(STEPS) - 1, "stopped")
        checks = "\n".join(result.gate_checks)
        if result.promoted:
            self.verdict.setText(f"Gate green: artifact {result.artifact_id} is now the promoted model.\n{checks}")
            self.verdict.setStyleSheet("color: #15803d;")
        else:
            self.verdict.setText("Gate red: the promoted model stays. " + "; ".join(result.gate_reasons)
                                 + "\nPromote with an override reason on the Evaluation page if you must.")
            self.verdict.setStyleSheet("color: #b91c1c;")

    def _failed(self, exc: BaseException) -> None:
        self._mark(self._stopped_at(), "stopped")
        self.verdict.setText(f"Stopped: {exc}")
        self.verdict.setStyleSheet("color: #b91c1c;")

    def _cancelled(self) -> None:
        self._mark(self._stopped_at(), "stopped")
        self.verdict.setText("Cancelled; what was finished is kept and recorded in the audit log.")
        self.verdict.setStyleSheet("")

    def _finished(self, _job: Any) -> None:
        self.job = None
        self.cancel_button.setEnabled(False)
        self.refresh_button_state()

    def refresh_button_state(self) -> None:
        task_id = self.task_id()
        self.start_button.setEnabled(task_id is not None and preview(self.ws, task_id).problem is None)
