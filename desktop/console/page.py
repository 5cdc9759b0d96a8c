"""Console: pick a registered GGUF model (the promoted one first), then classify, extract, chat,
run a batch, watch the call log's monitoring, and review flagged answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop import formatting as fmt
from desktop.changes import CONSOLE_CALL, Changes
from desktop.console.batch_tab import BatchTab
from desktop.console.chat_tab import ChatTab
from desktop.console.endpoint_tab import EndpointTab
from desktop.console.export_tab import ExportTab
from desktop.console.extract_tab import ExtractTab
from desktop.console.monitor_tab import MonitorTab
from desktop.console.review_tab import ReviewTab
from desktop.console.task_picker import fill_tasks
from desktop.jobs import Job
from desktop.qt import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QShortcut,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from desktop.widgets.page import Page
from desktop.widgets.table import Column, DataTable

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.jobs import JobContext
    from engine.models.service import ArtifactInfo
    from engine.workspace import Workspace

COLUMNS = [
    Column("Model", lambda r: r.name, stretch=True, tooltip=lambda r: r.name),
    Column("Quantization", lambda r: r.quantization or fmt.MISSING, width=110),
    Column("SHA-256", lambda r: fmt.short_hash(r.sha256), tooltip=lambda r: r.sha256, width=130),
    Column("Size", lambda r: fmt.size(r.size_bytes), align="right", sort_key=lambda r: r.size_bytes,
           width=90),
    Column("Promoted", lambda r: "★ production" if r.promoted else "", width=120,
           color=lambda r: "#15803d" if r.promoted else None),
    Column("Created", lambda r: fmt.when(r.created_at), sort_key=lambda r: fmt.when_key(r.created_at),
           width=140),
]


BADGES = {"ok": "✔ Confident answer", "unsure": "⚠ Unsure: a person should check this answer",
          "error": "✖ No answer"}


def describe_result(result: Any) -> tuple[str, str, str]:
    """(label, details line, state) for a classify result; state is 'ok' or 'unsure'."""
    label = str(getattr(result, "label", result))
    confidence = getattr(result, "confidence", None)
    latency = getattr(result, "latency_ms", None)
    flagged = bool(getattr(result, "flagged", False))
    details = f"confidence {fmt.percent(confidence)} · answered in {fmt.millis(latency)}"
    return label, details, "unsure" if flagged else "ok"


class ConsolePage(Page):
    key = "console"
    shows = frozenset({"artifacts", "tasks", "runs", "console"})
    empty_hint = "Open a workspace to run its models on your own text."
    title = "Console"
    subtitle = "Run a registered model on your own text. Unsure answers are flagged for a person."

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self._job: Job[Any] | None = None
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.models = DataTable(COLUMNS, "No GGUF models registered yet.\nExport a trained run to "
                                         "GGUF to use it here.")
        self.models.setMaximumHeight(200)
        self.models.row_selected.connect(lambda _row: self._update_buttons())
        layout.addWidget(self.models)

        self.tabs = QTabWidget()
        classify_tab = QWidget()
        work = QHBoxLayout(classify_tab)
        work.setSpacing(14)
        left = QVBoxLayout()
        left.setSpacing(8)
        task_row = QHBoxLayout()
        prompt_title = QLabel("Text to classify")
        prompt_title.setObjectName("SectionTitle")
        task_row.addWidget(prompt_title, 1)
        task_row.addWidget(QLabel("Task"))
        self.classify_task = QComboBox()
        self.classify_task.setMinimumWidth(220)
        task_row.addWidget(self.classify_task)
        left.addLayout(task_row)
        self.input = QPlainTextEdit()
        self.input.setPlaceholderText("Paste a (redacted) text here…")
        self.input.textChanged.connect(self._update_buttons)
        left.addWidget(self.input, 1)
        row = QHBoxLayout()
        self.classify_button = QPushButton("Classify")
        self.classify_button.setProperty("accent", True)
        self.classify_button.setMinimumWidth(120)
        self.classify_button.clicked.connect(self.classify)
        row.addWidget(self.classify_button)
        self.status = QLabel()
        self.status.setObjectName("Muted")
        row.addWidget(self.status, 1)
        left.addLayout(row)
        work.addLayout(left, 3)

        right = QVBoxLayout()
        right.setSpacing(8)
        answer_title = QLabel("Answer")
        answer_title.setObjectName("SectionTitle")
        right.addWidget(answer_title)
        self.result_card = QFrame()
        self.result_card.setObjectName("ResultCard")
        card_layout = QVBoxLayout(self.result_card)
        card_layout.setContentsMargins(18, 14, 18, 14)
        card_layout.setSpacing(6)
        self.result_label = QLabel("No answer yet")
        self.result_label.setObjectName("ResultLabel")
        self.result_label.setWordWrap(True)
        card_layout.addWidget(self.result_label)
        self.result_badge = QLabel()
        self.result_badge.setObjectName("Badge")
        self.result_badge.hide()
        card_layout.addWidget(self.result_badge)
        self.result_details = QLabel("Choose a model, enter a text and press Classify. "
                                     "Every answer comes with a confidence; unsure ones are flagged.")
        self.result_details.setObjectName("Muted")
        self.result_details.setWordWrap(True)
        card_layout.addWidget(self.result_details)
        card_layout.addStretch(1)
        right.addWidget(self.result_card, 1)
        work.addLayout(right, 2)
        self.tabs.addTab(classify_tab, "Classify")
        QShortcut(QKeySequence("Ctrl+Return"), classify_tab, self.classify,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.extract_tab = ExtractTab(runner, lambda: self.ws, self._artifact_id)
        self.chat_tab = ChatTab(runner, lambda: self.ws, self._artifact_id)
        self.batch_tab = BatchTab(runner, lambda: self.ws, self._artifact_id)
        self.monitor_tab = MonitorTab()
        self.review_tab = ReviewTab()
        self.export_tab = ExportTab(runner, lambda: self.ws, self._artifacts_changed)
        self.endpoint_tab = EndpointTab(lambda: self.ws, self._artifact_id)
        for widget, name in ((self.extract_tab, "Extract"), (self.chat_tab, "Chat"), (self.batch_tab, "Batch"),
                             (self.monitor_tab, "Monitoring"), (self.review_tab, "Review queue"),
                             (self.export_tab, "Export"), (self.endpoint_tab, "Local endpoint")):
            self.tabs.addTab(widget, name)
        self.tabs.currentChanged.connect(lambda _i: self._reload_tabs())
        layout.addWidget(self.tabs, 1)
        self._update_buttons()

    def _artifacts_changed(self) -> None:
        if self.ws is not None:
            self.load(self.ws)
        self.data_changed.emit(Changes.of("artifacts", "audit"))

    def _artifact_id(self) -> int | None:
        row = self.models.selected_row()
        return None if row is None else int(row.id)

    def _reload_tabs(self) -> None:
        if self.ws is None:
            return
        current = self.tabs.currentWidget()
        for tab in (self.extract_tab, self.batch_tab, self.monitor_tab, self.review_tab, self.export_tab):
            if tab is current:
                tab.load(self.ws)

    def load(self, ws: Workspace) -> None:
        self.models.set_rows(ws.models.artifacts(kind="gguf", promoted_first=True))
        if self.models.selected_row() is None:
            self.models.select_first()
        self.extract_tab.load(ws)
        fill_tasks(self.classify_task, ws, ("classification",))
        self._reload_tabs()
        self._update_buttons()

    def set_workspace(self, ws: Workspace | None) -> None:
        if ws is not self.ws:
            self.endpoint_tab.turn_off()  # the endpoint serves one workspace's model; never outlives it
        super().set_workspace(ws)

    def clear(self) -> None:
        self.models.set_rows([])

    def _update_buttons(self) -> None:
        ready = (self.models.selected_row() is not None and bool(self.input.toPlainText().strip())
                 and self._job is None)
        self.classify_button.setEnabled(ready)

    def classify(self) -> None:
        artifact: ArtifactInfo | None = self.models.selected_row()
        text = self.input.toPlainText().strip()
        ws = self.ws
        if artifact is None or not text or ws is None or self._job is not None:
            return
        artifact_id = artifact.id
        task_id = self.classify_task.currentData()

        def classify_job(ctx: JobContext) -> Any:
            ctx.report(0.0, "loading the model")
            from engine.console import classify_text

            ctx.check()
            return classify_text(ws, artifact_id, text, task_id=task_id)

        self.status.setText(f"Classifying with {artifact.name}…")
        self._job = (Job(classify_job, f"Classify with {artifact.name}", CONSOLE_CALL)
                     .on_success(self._show_result)
                     .on_failure(self._show_error)
                     .on_finished(self._job_done)
                     .run(self.runner))
        self._update_buttons()

    def _job_done(self, job: Job[Any]) -> None:
        self._job = None
        self.status.clear()
        self._update_buttons()

    def _set_result(self, label: str, details: str, state: str) -> None:
        self.result_label.setText(label)
        self.result_details.setText(details)
        self.result_badge.setText(BADGES[state])
        self.result_badge.setProperty("state", state)
        self.result_badge.style().unpolish(self.result_badge)
        self.result_badge.style().polish(self.result_badge)
        self.result_badge.show()
        self.result_card.setProperty("state", state)
        self.result_card.style().unpolish(self.result_card)
        self.result_card.style().polish(self.result_card)

    def _show_result(self, result: Any) -> None:
        self._set_result(*describe_result(result))

    def _show_error(self, error: BaseException) -> None:
        if isinstance(error, ImportError):
            self._set_result("Console not available", f"The classifier could not be loaded: {error}",
                             "error")
        else:
            self._set_result("Classification failed", f"{type(error).__name__}: {error}", "error")
