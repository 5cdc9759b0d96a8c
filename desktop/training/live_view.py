"""The live view of one run: step / total, epoch, losses, learning rate, tokens/s, ETA,
memory, the loss curves and the log tail.

It follows the worker's events with a timer (``ws.training.follow``), reading only the bytes
added since the last tick, so following a run costs
the GUI thread a file stat and a few parsed lines per tick. The chart is redrawn at
most twice a second.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from desktop.qt import (
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.widgets.line_chart import LineChart, Series
from engine.training.events import (
    ENDS,
    Begin,
    Cancelled,
    Done,
    Event,
    Failed,
    Message,
    Metrics,
    Started,
    Step,
)

if TYPE_CHECKING:
    from engine.workspace import Workspace

LOSS_COLOR = "#2563eb"
EVAL_LOSS_COLOR = "#ea580c"
TICK_MS = 200
CHART_INTERVAL_S = 0.5
LOG_LINES = 400
STATS = (("step", "Step"), ("epoch", "Epoch"), ("loss", "Loss"), ("eval_loss", "Eval loss"),
         ("learning_rate", "Learning rate"), ("tokens_per_second", "Tokens/s"), ("eta", "ETA"),
         ("memory", "Memory"))


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


def speed(tokens_per_second: float) -> str:
    """Tokens/s with one decimal where a CPU run's few tokens/s would otherwise round to 1 or 0."""
    return f"{tokens_per_second:,.0f}" if tokens_per_second >= 100 else f"{tokens_per_second:.1f}"


def describe(ev: Event) -> str | None:
    """One log line for a worker's event (None for the frequent step events)."""
    stamp = f"[{_duration(ev.t)}] "
    if isinstance(ev, Metrics):
        values = (("loss", ev.loss), ("eval_loss", ev.eval_loss), ("learning_rate", ev.learning_rate),
                  ("tokens_per_second", ev.tokens_per_second))
        return stamp + f"step {ev.step}: " + ", ".join(f"{k} {v:.4g}" for k, v in values if v is not None)
    if isinstance(ev, Message):
        return stamp + ev.text
    if isinstance(ev, Started):
        return stamp + f"worker started: backend {ev.backend} ({ev.reason})"
    if isinstance(ev, Begin):
        return stamp + f"training {ev.total_steps} steps"
    if isinstance(ev, Failed):
        return stamp + f"FAILED: {ev.error}"
    if isinstance(ev, Cancelled):
        return stamp + f"cancelled; checkpoint kept: {ev.checkpoint}"
    if isinstance(ev, Done):
        return stamp + "finished"
    return None


class RunView(QWidget):
    """Shows one run; ``follow(run_dir)`` starts tailing its progress file."""

    ended = Signal(str)  # the final event type: done | failed | cancelled

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        layout.addWidget(self.progress)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(2)
        self.stats: dict[str, QLabel] = {}
        for i, (key, title) in enumerate(STATS):
            name = QLabel(title)
            name.setObjectName("Muted")
            value = QLabel("—")
            value.setStyleSheet("font-weight: 600;")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, (i // 4) * 2, i % 4)
            grid.addWidget(value, (i // 4) * 2 + 1, i % 4)
            self.stats[key] = value
        layout.addLayout(grid)
        self.chart = LineChart("Loss", x_label="step", y_label="loss",
                               empty_text="Select a run to see its loss curve.", whole_x=True)
        self.chart.setObjectName("Card")
        layout.addWidget(self.chart, 3)
        self.log = QPlainTextEdit()
        self.log.setObjectName("Mono")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(LOG_LINES)
        self.log.setPlaceholderText("The worker's log appears here while a run is followed.")
        layout.addWidget(self.log, 1)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.poll)
        self._ws: Workspace | None = None
        self._run_id: int | None = None
        self._offset = 0
        self._loss: dict[int, float] = {}
        self._eval: dict[int, float] = {}
        self._chart_dirty = False
        self._chart_drawn = 0.0
        self.last_event: str | None = None

    # -- what to show --------------------------------------------------------------
    def show_history(self, points: list[Any], title: str) -> None:
        """A run's stored metrics (engine.training.run_info.CurvePoint) without following it."""
        self.stop()
        self._loss = {p.step: p.loss for p in points if p.loss is not None}
        self._eval = {p.step: p.eval_loss for p in points if p.eval_loss is not None}
        self.chart.title = title
        self._draw_chart(force=True)
        last = points[-1] if points else None
        if last is not None:
            self._set("step", f"{last.step:,}")
            self._set("epoch", f"{last.epoch:.2f}")
            speeds = [p.tokens_per_second for p in points if p.tokens_per_second]
            if speeds:
                self._set("tokens_per_second", speed(speeds[-1]))
            rates = [p.learning_rate for p in points if p.learning_rate is not None]
            if rates:
                self._set("learning_rate", f"{rates[-1]:.3g}")
        for key, values in (("loss", self._loss), ("eval_loss", self._eval)):
            if values:
                self._set(key, f"{values[max(values)]:.4f}")

    def follow(self, ws: Workspace, run_id: int, live: bool) -> None:
        """Read the run's events from the start; keep following them while ``live``."""
        self._ws, self._run_id, self._offset = ws, run_id, 0
        self.log.clear()
        self.last_event = None
        self.poll()
        if live:
            self.last_event = None  # an end read so far was an earlier attempt's (before a resume)
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def following(self) -> bool:
        return self._timer.isActive()

    def clear(self, text: str) -> None:
        self.stop()
        self._loss, self._eval = {}, {}
        self.chart.clear(text)
        self.log.clear()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        for label in self.stats.values():
            label.setText("—")

    # -- tailing -------------------------------------------------------------------
    def poll(self) -> None:
        if self._ws is None or self._run_id is None:
            return
        events, self._offset = self._ws.training.follow(self._run_id, self._offset)
        lines = []
        for ev in events:
            self._apply(ev)
            line = describe(ev)
            if line:
                lines.append(line)
        if lines:
            self.log.appendPlainText("\n".join(lines))
        self._draw_chart()
        if self.last_event in {e.TYPE for e in ENDS} and self._timer.isActive():
            self._timer.stop()
            self._draw_chart(force=True)
            self.ended.emit(self.last_event)

    def _apply(self, ev: Event) -> None:
        if isinstance(ev, (Started, *ENDS)):
            self.last_event = ev.TYPE
        if isinstance(ev, Started):
            self._set("step", "starting")
        elif isinstance(ev, Begin):
            self.progress.setRange(0, max(1, ev.total_steps))
            self.progress.setValue(0)
        elif isinstance(ev, Step):
            self.progress.setRange(0, max(1, ev.total_steps))
            self.progress.setValue(ev.step)
            self._set("step", f"{ev.step:,} / {ev.total_steps:,}")
            self._set("epoch", f"{ev.epoch:.2f}")
            self._set("eta", _duration(ev.eta_s))
            self._set_memory(ev)
        elif isinstance(ev, Metrics):
            if ev.loss is not None:
                self._loss[ev.step] = ev.loss
                self._set("loss", f"{ev.loss:.4f}")
            if ev.eval_loss is not None:
                self._eval[ev.step] = ev.eval_loss
                self._set("eval_loss", f"{ev.eval_loss:.4f}")
            if ev.learning_rate is not None:
                self._set("learning_rate", f"{ev.learning_rate:.3g}")
            if ev.tokens_per_second is not None:
                self._set("tokens_per_second", speed(ev.tokens_per_second))
            self._chart_dirty = True
        elif isinstance(ev, Done):
            self._set("eta", "done")
            self.progress.setValue(self.progress.maximum())
        elif isinstance(ev, (Failed, Cancelled)):
            self._set("eta", ev.TYPE)

    def _set_memory(self, ev: Step) -> None:
        text = f"{ev.memory_mb / 1024:.2f} GiB RAM" if ev.memory_mb is not None else "—"
        if ev.gpu_memory_mb is not None:
            text += f", {ev.gpu_memory_mb / 1024:.2f} GiB GPU"
        self._set("memory", text)

    def _set(self, key: str, text: str) -> None:
        if self.stats[key].text() != text:
            self.stats[key].setText(text)

    def _draw_chart(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and (not self._chart_dirty or now - self._chart_drawn < CHART_INTERVAL_S):
            return
        self._chart_dirty, self._chart_drawn = False, now
        if not self._loss and not self._eval:
            self.chart.clear("This run has logged no metrics yet.")
            return
        self.chart.set_series([Series("loss", sorted(self._loss.items()), LOSS_COLOR),
                               Series("eval loss", sorted(self._eval.items()), EVAL_LOSS_COLOR, markers=True)])
