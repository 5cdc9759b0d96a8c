"""Register a base model: a Hugging Face folder or a GGUF file the team brings.

The person picks a folder or a file; the dialog reads it in a job (headers checked, every file
hashed, with progress and Cancel) and shows what it found, or the one-line reason it is not a
usable model (no config.json, a truncated safetensors file, no tokenizer, ...). A model without
a chat template gets one chosen here, so it can be trained at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.changes import Changes
from desktop.jobs import Job, JobRunner
from desktop.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.training.page import if_alive

if TYPE_CHECKING:
    from engine.models.registry import ModelFacts
    from engine.models.service import BaseModelInfo
    from engine.workspace import Workspace

ERROR_STYLE = "color: #b91c1c; font-weight: 600;"


def describe_facts(facts: ModelFacts) -> str:
    params = f"{facts.parameters / 1e6:,.1f}M parameters" if facts.parameters else "parameters unknown"
    context = f"context {facts.context_length:,}" if facts.context_length else "context unknown"
    kind = "Hugging Face folder" if facts.format == "hf" else "GGUF file"
    template = "has a chat template" if facts.chat_template else "no chat template: choose one below"
    return (f"{kind} · {facts.architecture} · {params} · {context} · {facts.size_bytes / 2**30:.2f} GiB\n"
            f"{template}\nsha256 {facts.sha256[:16]}…")


class RegisterModelDialog(QDialog):
    """Emits ``registered`` with the BaseModelInfo once the model is in the workspace."""

    registered = Signal(object)

    def __init__(self, ws: Workspace, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self.facts: ModelFacts | None = None
        self.job: Job[Any] | None = None
        self.setWindowTitle("Register a base model")
        self.resize(640, 320)
        layout = QVBoxLayout(self)
        intro = QLabel("A Hugging Face model folder (config.json, *.safetensors and a tokenizer) or a GGUF "
                       "file. It is read and hashed here; nothing is copied.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        where = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("/models/Qwen3-8B  or  /models/model.Q4_K_M.gguf")
        self.path_edit.editingFinished.connect(lambda: self.inspect(Path(self.path_edit.text())))
        self.folder_button = QPushButton("Folder…")
        self.folder_button.clicked.connect(self.choose_folder)
        self.file_button = QPushButton("GGUF file…")
        self.file_button.clicked.connect(self.choose_file)
        where.addWidget(self.path_edit, 1)
        where.addWidget(self.folder_button)
        where.addWidget(self.file_button)
        form.addRow("Model", where)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("shown in lists (default: the folder or file name)")
        form.addRow("Name", self.name_edit)
        self.template = QComboBox()
        form.addRow("Chat template", self.template)
        layout.addLayout(form)
        self.facts_label = QLabel("Choose a model folder or a GGUF file.")
        self.facts_label.setObjectName("Muted")
        self.facts_label.setWordWrap(True)
        layout.addWidget(self.facts_label)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.register_button = self.buttons.addButton("Register", QDialogButtonBox.ButtonRole.AcceptRole)
        self.register_button.setEnabled(False)
        self.register_button.clicked.connect(self.register)
        self.buttons.rejected.connect(self.cancel)
        layout.addWidget(self.buttons)
        self._set_templates(None)

    # -- choosing --------------------------------------------------------------------------
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a Hugging Face model folder", str(Path.home()))
        if folder:
            self.inspect(Path(folder))

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a GGUF model file", str(Path.home()),
                                              "GGUF models (*.gguf)")
        if path:
            self.inspect(Path(path))

    def _set_templates(self, facts: ModelFacts | None) -> None:
        from engine.models.chat_templates import TEMPLATES, suggested_template

        self.template.clear()
        if facts is not None and facts.chat_template:
            self.template.addItem("the model's own", None)
        else:
            for key, (label, _text) in TEMPLATES.items():
                self.template.addItem(label, key)
            if facts is not None:
                self.template.setCurrentIndex(self.template.findData(suggested_template(facts.architecture)))
        self.template.setEnabled(facts is not None and not facts.chat_template)

    def _busy(self, message: str) -> None:
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.facts_label.setStyleSheet("")
        self.facts_label.setText(message)
        self.register_button.setEnabled(False)

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        if message:
            self.facts_label.setText(message)

    def _show_error(self, exc: BaseException) -> None:
        self.progress.setVisible(False)
        self.facts = None
        self.facts_label.setStyleSheet(ERROR_STYLE)
        self.facts_label.setText(str(exc) or type(exc).__name__)
        self._set_templates(None)
        self.register_button.setEnabled(False)

    # -- jobs ----------------------------------------------------------------------------
    def inspect(self, path: Path) -> None:
        """Read and check the model at ``path`` in a job; the result or the reason is shown."""
        from engine.models.registry import inspect_model

        if not str(path).strip():
            return
        if self.job is not None and not self.job.done:
            self.job.cancel()
        self.path_edit.setText(str(path))
        self._busy(f"Reading {path.name}…")

        def found(facts: ModelFacts) -> None:
            self.progress.setVisible(False)
            self.facts = facts
            self.facts_label.setText(describe_facts(facts))
            if not self.name_edit.text():
                self.name_edit.setPlaceholderText(facts.suggested_name)
            self._set_templates(facts)
            self.register_button.setEnabled(True)

        self.job = (Job(lambda ctx: inspect_model(path.expanduser(), ctx), f"Reading {path.name}")
                    .with_progress(if_alive(self._on_progress)).on_success(if_alive(found))
                    .on_failure(if_alive(self._show_error))
                    .run(self.runner))

    def register(self) -> None:
        if self.facts is None:
            return
        path = Path(self.path_edit.text()).expanduser()
        name = self.name_edit.text().strip() or None
        template = self.template.currentData() if self.template.isEnabled() else None
        ws = self.ws
        self._busy(f"Registering {path.name}…")

        def work(ctx: Any) -> BaseModelInfo:
            model = ws.models.register_base(path, name, ctx)
            if template and not model.chat_template:
                model = ws.models.set_chat_template(model.id, template)
            return model

        def done(model: BaseModelInfo) -> None:
            self.progress.setVisible(False)
            self.registered.emit(model)
            self.accept()

        self.job = (Job(work, f"Registering {path.name}", Changes.of("artifacts", "audit"))
                    .with_progress(if_alive(self._on_progress))
                    .on_success(if_alive(done)).on_failure(if_alive(self._show_error)).run(self.runner))

    def cancel(self) -> None:
        if self.job is not None and not self.job.done:
            self.job.cancel()
        self.reject()
