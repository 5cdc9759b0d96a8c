"""Home: what the workspace holds, one click from each part, and the whole demo loop."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from desktop.changes import DOMAINS, EVERYTHING
from desktop.jobs import Job
from desktop.qt import (
    QFontDatabase,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from desktop.widgets.page import Page
from desktop.widgets.stat_card import StatCard
from engine import offline

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.jobs import JobContext
    from engine.workspace import Workspace

# (summary key, card label, caption, page it opens)
CARDS = [
    ("documents", "Documents", "imported and redacted", "documents"),
    ("examples", "Examples", "labelled for your tasks", "labelling"),
    ("dataset_versions", "Dataset versions", "frozen, hashed, split", "datasets"),
    ("training_runs", "Training runs", "LoRA / QLoRA fine-tunes", "training"),
    ("model_artifacts", "Models", "GGUF exports and adapters", "console"),
    ("evaluation_runs", "Evaluations", "accuracy, F1, latency", "evaluation"),
    ("audit_events", "Audit events", "hash-chained, verifiable", "audit"),
    ("blocked", "Blocked connections", "network attempts refused", "audit"),
]
LOOP = "  →  ".join(["Documents", "PII redaction", "Labelling", "Dataset version", "Training", "GGUF",
                    "Console", "Evaluation"])


def run_demo_loop(ws: Workspace, ctx: JobContext) -> Any:
    from engine.demo import DemoSettings, run_demo

    return run_demo(ws, ctx, DemoSettings())


class HomePage(Page):
    key = "home"
    shows = DOMAINS  # the summary counts everything
    empty_hint = ("Open a workspace to see what it holds, or try the demo: it runs the whole "
                  "loop on a tiny embedded model.")
    title = "Home"
    subtitle = "Your own small model, built and checked entirely on this machine."

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self._demo_job: Job[Any] | None = None
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        self.workspace_line = QLabel()
        self.workspace_line.setObjectName("Muted")
        layout.addWidget(self.workspace_line)
        loop = QLabel(LOOP)
        loop.setObjectName("LoopStrip")
        layout.addWidget(loop)

        grid = QGridLayout()
        grid.setSpacing(12)
        self.cards: dict[str, StatCard] = {}
        for i, (key, label, caption, page) in enumerate(CARDS):
            card = StatCard(label, caption)
            card.clicked.connect(partial(self.navigate.emit, page))
            grid.addWidget(card, i // 4, i % 4)
            self.cards[key] = card
        layout.addLayout(grid)
        layout.addWidget(self._build_demo_panel(), 1)

    def _build_demo_panel(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("Card")
        box = QVBoxLayout(panel)
        box.setContentsMargins(18, 14, 18, 14)
        box.setSpacing(8)
        title = QLabel("Demo loop")
        title.setObjectName("SectionTitle")
        box.addWidget(title)
        about = QLabel("Runs the whole loop on the embedded SmolLM2-135M model: import and redact the "
                       "demo corpus, label, freeze a dataset, fine-tune, export to GGUF and evaluate "
                       "against the base model. A few minutes on a CPU.")
        about.setObjectName("Muted")
        about.setWordWrap(True)
        box.addWidget(about)
        box.addSpacing(4)
        row = QHBoxLayout()
        self.demo_button = QPushButton("Run the demo loop")
        self.demo_button.setProperty("accent", True)
        self.demo_button.clicked.connect(self.run_demo)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_demo)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("Muted")
        row.addWidget(self.demo_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.progress, 1)
        row.addWidget(self.progress_label, 1)
        box.addLayout(row)
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setObjectName("Mono")
        self.output.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.output.setPlaceholderText("The results table appears here when the loop has run.")
        self.output.setMinimumHeight(120)
        box.addWidget(self.output, 1)
        return panel

    def load(self, ws: Workspace) -> None:
        counts = ws.summary()
        counts["blocked"] = len(offline.blocked_attempts())
        for key, card in self.cards.items():
            card.set_value(counts.get(key))
        self.workspace_line.setText(f"{ws.name} — {ws.root}   ·   you are {ws.identity.os_user} "
                                    f"({ws.identity.role})")

    def clear(self) -> None:
        for card in self.cards.values():
            card.set_value(None)

    # -- the demo loop -------------------------------------------------------------
    def run_demo(self) -> None:
        ws = self.ws
        if ws is None or self._demo_job is not None:
            return
        self.output.clear()
        self.progress.setValue(0)
        self.progress_label.setText("Starting…")
        self.demo_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._demo_job = (Job(lambda ctx: run_demo_loop(ws, ctx), "Demo loop", EVERYTHING)
                          .with_progress(self._on_progress)
                          .on_success(self._on_demo_done)
                          .on_failure(self._on_demo_failed)
                          .on_cancelled(lambda: self.progress_label.setText("Cancelled."))
                          .on_finished(self._on_demo_finished)
                          .run(self.runner))

    def cancel_demo(self) -> None:
        if self._demo_job is not None:
            self._demo_job.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Cancelling at the next safe point…")

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress_label.setText(f"{fraction * 100:.0f}%  {message}")

    def _on_demo_done(self, result: Any) -> None:
        self.progress.setValue(1000)
        self.progress_label.setText("Done.")
        table = result.table() if hasattr(result, "table") else str(result)
        self.output.setPlainText(table)

    def _on_demo_failed(self, error: BaseException) -> None:
        self.progress_label.setText("Stopped with an error.")
        if isinstance(error, ImportError):
            self.output.setPlainText(f"The demo loop is not available in this installation:\n{error}")
        else:
            self.output.setPlainText(f"The demo loop stopped with an error:\n{type(error).__name__}: {error}")

    def _on_demo_finished(self, job: Job[Any]) -> None:
        self._demo_job = None
        self.demo_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
