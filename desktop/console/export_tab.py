"""Export tab: a finished training run to quantized GGUF files, a GGUF LoRA adapter and a Hugging Face
folder, as a job with progress and cancel; each artifact is hashed and smoke-tested before it is listed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop.jobs import Job
from desktop.qt import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from desktop.widgets.job_progress import JobProgress

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.jobs import JobContext
    from engine.workspace import Workspace

LEVELS = ("Q8_0", "Q5_K_M", "Q4_K_M")


class ExportTab(QWidget):
    def __init__(self, runner: JobRunner, workspace: Callable[[], Workspace | None],
                 exported: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self._workspace, self._exported = runner, workspace, exported
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.run = QComboBox()
        form.addRow("Finished training run", self.run)
        levels = QHBoxLayout()
        self.levels = {name: QCheckBox(name) for name in LEVELS}
        self.levels["Q8_0"].setChecked(True)
        for box in self.levels.values():
            levels.addWidget(box)
        levels.addStretch(1)
        form.addRow("GGUF quantizations", levels)
        self.lora = QCheckBox("the adapter alone, as a GGUF LoRA for the base model's GGUF")
        self.hf = QCheckBox("the merged model as a Hugging Face safetensors folder (vLLM and other servers)")
        form.addRow("Also", self.lora)
        form.addRow("", self.hf)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.export_button = QPushButton("Export")
        self.export_button.setProperty("accent", True)
        self.export_button.clicked.connect(self.start)
        row.addWidget(self.export_button)
        self.result = QLabel("Nothing is listed until it was written completely, hashed and loaded once.")
        self.result.setObjectName("Muted")
        self.result.setWordWrap(True)
        row.addWidget(self.result, 1)
        layout.addLayout(row)
        self.progress = JobProgress()
        layout.addWidget(self.progress)
        layout.addStretch(1)

    def load(self, ws: Workspace) -> None:
        self.run.clear()
        for r in ws.training.runs():
            if r.status == "succeeded":
                self.run.addItem(f"run {r.id} (dataset version {r.dataset_version_id})", r.id)
        self.export_button.setEnabled(self.run.count() > 0)

    def start(self) -> None:
        ws, run_id = self._workspace(), self.run.currentData()
        levels = tuple(name for name, box in self.levels.items() if box.isChecked())
        lora, hf = self.lora.isChecked(), self.hf.isChecked()
        if ws is None or run_id is None or self.progress.busy or not (levels or lora or hf):
            return

        def export_job(ctx: JobContext) -> Any:
            from engine.models.export import export_run

            return export_run(ws, int(run_id), levels, ctx=ctx, lora=lora, hf=hf)

        job = Job(export_job, "Export").on_success(self._done).on_failure(
            lambda e: self.result.setText(f"✖ Export failed, nothing was registered: {e}")).on_cancelled(
            lambda: self.result.setText("Export cancelled: nothing was registered."))
        self.progress.track(job, f"Exporting run {run_id}")
        job.run(self.runner)

    def _done(self, artifacts: Any) -> None:
        self.result.setText("✔ " + "; ".join(f"{a.name} ({a.kind}, sha256 {a.sha256[:12]})" for a in artifacts))
        self._exported()
