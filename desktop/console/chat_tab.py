"""Chat tab: system prompt, streamed answer, stop, copy, clear; the model's own chat template."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop.changes import CONSOLE_CALL
from desktop.jobs import Job
from desktop.qt import (
    QApplication,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QShortcut,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.jobs import JobContext
    from engine.workspace import Workspace


class ChatTab(QWidget):
    def __init__(self, runner: JobRunner, workspace: Callable[[], Workspace | None],
                 artifact: Callable[[], int | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self._workspace, self._artifact = runner, workspace, artifact
        self._session: Any = None
        self._session_key: int | None = None
        self._job: Job[Any] | None = None
        self._done_text = ""
        self._streamed = ""  # the answer so far, kept if the model process dies mid-answer
        self.max_tokens = 512
        layout = QVBoxLayout(self)
        system_row = QHBoxLayout()
        system_row.addWidget(QLabel("System prompt"))
        self.system = QLineEdit("You are a helpful assistant for production-line operators.")
        system_row.addWidget(self.system, 1)
        layout.addLayout(system_row)
        self.transcript = QPlainTextEdit()
        self.transcript.setReadOnly(True)
        self.transcript.setPlaceholderText("The conversation appears here, streamed as the model writes.")
        layout.addWidget(self.transcript, 1)
        self.input = QPlainTextEdit()
        self.input.setPlaceholderText("Your message (Ctrl+Enter sends, Esc stops the answer)")
        self.input.setMaximumHeight(90)
        layout.addWidget(self.input)
        row = QHBoxLayout()
        self.send_button = QPushButton("Send")
        self.send_button.setProperty("accent", True)
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self.stop)
        self.copy_button = QPushButton("Copy conversation")
        self.copy_button.clicked.connect(self.copy)
        self.clear_button = QPushButton("New conversation")
        self.clear_button.clicked.connect(self.clear)
        self.status = QLabel()
        self.status.setObjectName("Muted")
        for w in (self.send_button, self.stop_button, self.copy_button, self.clear_button):
            row.addWidget(w)
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.send)
        QShortcut(QKeySequence("Escape"), self, self.stop)
        self._update()

    def _update(self) -> None:
        busy = self._job is not None
        self.send_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)

    def send(self) -> None:
        ws, artifact, text = self._workspace(), self._artifact(), self.input.toPlainText().strip()
        if ws is None or artifact is None or not text or self._job is not None:
            return
        system = self.system.text()
        if self._session_key != artifact:
            self._session, self._session_key = None, artifact
        self._done_text = self.transcript.toPlainText()
        self.transcript.setPlainText(f"{self._done_text}You: {text}\n\nModel: ".lstrip())
        self._done_text = self.transcript.toPlainText()
        self._streamed = ""
        self.input.clear()

        def chat_job(ctx: JobContext) -> Any:
            from engine.console.chat import ChatSession

            if self._session is None:
                self._session = ChatSession.open(ws, artifact, system)
            self._session.system_prompt = system
            self._session.max_tokens = self.max_tokens
            text_so_far = ""
            for piece in self._session.send(text):
                text_so_far += piece
                ctx.report(0.5, text_so_far)  # the newest text wins: no piece is lost
                if ctx.cancelled():
                    self._session.stop()
            return self._session.last

        self.status.setText("The model is writing…")
        self._job = (Job(chat_job, "Chat", CONSOLE_CALL).with_progress(self._stream).on_success(self._finished)
                     .on_failure(self._failed).on_finished(self._ended).run(self.runner))
        self._update()

    def _stream(self, _fraction: float, text: str) -> None:
        self._streamed = text
        self.transcript.setPlainText(self._done_text + text)
        bar = self.transcript.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _finished(self, turn: Any) -> None:
        note = " [stopped]" if turn.stopped else ""
        self.transcript.setPlainText(f"{self._done_text}{turn.text}{note}\n\n")
        self.status.setText(f"{turn.tokens} tokens in {turn.latency_ms / 1000:.1f} s")

    def _failed(self, error: BaseException) -> None:
        # what was already shown stays; the failure is a line under it, not a replacement
        cut = f"{self._streamed} [cut off]\n" if self._streamed else ""
        self.transcript.setPlainText(f"{self._done_text}{cut}[no answer: {error}]\n\n")
        self.status.setText("")

    def _ended(self, _job: Job[Any]) -> None:
        self._job = None
        self._update()

    def stop(self) -> None:
        if self._job is not None:
            self._job.cancel()
            if self._session is not None:
                self._session.stop()

    def copy(self) -> None:
        QApplication.clipboard().setText(self.transcript.toPlainText())

    def clear(self) -> None:
        if self._job is not None:
            return
        if self._session is not None:
            self._session.clear()
        self.transcript.clear()
