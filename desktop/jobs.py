"""The one runner for long work in the desktop.

    Job(fn, "Freezing dataset").with_progress(bar.update).on_success(show).run(runner)

``fn`` is a plain engine job: it takes an ``engine.jobs.JobContext``, reports
progress through it and raises ``engine.jobs.Cancelled`` at safe points once
``job.cancel()`` was called. It runs on the runner's thread pool; its result,
its error and its progress come back to the GUI thread through queued signals,
so every callback runs on the GUI thread. Progress reaches the callbacks at
most every 100 ms (the newest value wins, and the last one is never lost).

A job that writes names what it changed (``changes=Changes.of("versions", "audit")``); once it
ended, whatever the outcome (a cancelled or failed job may have written part), the runner's
``job_finished`` carries it to the main window, which refreshes the pages that show those domains.
A job that only reads changes nothing and refreshes nothing.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from enum import Enum
from typing import Any, Generic, TypeVar

from desktop import pauses
from desktop.changes import NOTHING, Changes
from desktop.qt import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot, qt_object_alive
from engine.errors import storage_problem
from engine.jobs import Cancelled, CancelToken, JobContext

T = TypeVar("T")
PROGRESS_INTERVAL_S = 0.1


class JobState(Enum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits, the GUI thread receives."""

    progressed = Signal()
    ended = Signal(str, object)

    def __init__(self, job: Job[Any]) -> None:
        super().__init__()
        self._job = job
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._deliver_progress)
        self.progressed.connect(self._deliver_progress, Qt.ConnectionType.QueuedConnection)
        self.ended.connect(self._end, Qt.ConnectionType.QueuedConnection)

    @Slot()
    def _deliver_progress(self) -> None:
        job = self._job
        if job.state is not JobState.RUNNING:
            return
        wait = job._last_delivery + PROGRESS_INTERVAL_S - time.monotonic()
        if wait > 0:
            if not self._timer.isActive():
                self._timer.start(max(1, int(wait * 1000) + 1))
            return
        job._deliver_progress()

    @Slot(str, object)
    def _end(self, outcome: str, payload: object) -> None:
        self._timer.stop()
        self._job._finish(outcome, payload)


class _Work(QRunnable):
    def __init__(self, job: Job[Any]) -> None:
        super().__init__()
        self._job = job
        self.setAutoDelete(True)

    def run(self) -> None:
        self._job._execute()


class Job(Generic[T]):
    """One piece of long work and what to do with its outcome."""

    def __init__(self, fn: Callable[[JobContext], T], name: str | None = None,
                 changes: Changes = NOTHING) -> None:
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "job").replace("_", " ")
        self.changes = changes
        self.state = JobState.PENDING
        self.fraction = 0.0
        self.message = ""
        self.result: T | None = None
        self.error: BaseException | None = None
        self.traceback = ""
        self._token = CancelToken()
        self._progress_cbs: list[Callable[[float, str], None]] = []
        self._success_cbs: list[Callable[[T], None]] = []
        self._failure_cbs: list[Callable[[BaseException], None]] = []
        self._cancelled_cbs: list[Callable[[], None]] = []
        self._finished_cbs: list[Callable[[Job[T]], None]] = []
        self._lock = threading.Lock()
        self._latest: tuple[float, str] | None = None
        self._signal_in_flight = False
        self._last_delivery = float("-inf")
        self._relay: _Relay | None = None
        self._runner: JobRunner | None = None
        self._discarded = False

    # -- building ----------------------------------------------------------
    def with_progress(self, cb: Callable[[float, str], None]) -> Job[T]:
        self._progress_cbs.append(cb)
        return self

    def on_success(self, cb: Callable[[T], None]) -> Job[T]:
        self._success_cbs.append(cb)
        return self

    def on_failure(self, cb: Callable[[BaseException], None]) -> Job[T]:
        self._failure_cbs.append(cb)
        return self

    def on_cancelled(self, cb: Callable[[], None]) -> Job[T]:
        self._cancelled_cbs.append(cb)
        return self

    def on_finished(self, cb: Callable[[Job[T]], None]) -> Job[T]:
        """Runs after the outcome's own callbacks, whatever the outcome."""
        self._finished_cbs.append(cb)
        return self

    def run(self, runner: JobRunner) -> Job[T]:
        runner.start(self)
        return self

    # -- controlling -------------------------------------------------------
    def cancel(self) -> None:
        self._token.cancel()

    @property
    def cancel_requested(self) -> bool:
        return self._token()

    @property
    def done(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)

    # -- worker thread -------------------------------------------------------
    def _report(self, fraction: float, message: str) -> None:
        with self._lock:
            self._latest = (fraction, message)
            if self._signal_in_flight:
                return
            self._signal_in_flight = True
        relay = self._relay
        if relay is not None:
            relay.progressed.emit()

    def _execute(self) -> None:
        relay = self._relay
        assert relay is not None
        ctx = JobContext(progress=self._report, cancelled=self._token)
        try:
            result = self.fn(ctx)
        except Cancelled:
            relay.ended.emit("cancelled", None)
        except BaseException as exc:  # a job must always end, whatever it raised
            self.traceback = traceback.format_exc()
            relay.ended.emit("failed", storage_problem(exc) or exc)  # a full/read-only disk: one clear line
        else:
            relay.ended.emit("succeeded", result)

    # -- GUI thread ----------------------------------------------------------
    def _take_latest(self) -> tuple[float, str] | None:
        with self._lock:
            self._signal_in_flight = False
            latest, self._latest = self._latest, None
        return latest

    def _deliver_progress(self) -> None:
        latest = self._take_latest()
        if latest is None or self._discarded:
            return
        self._last_delivery = time.monotonic()
        self.fraction, self.message = latest
        for cb in self._progress_cbs:
            cb(self.fraction, self.message)
        if self._runner is not None:
            self._runner.changed.emit()

    def _finish(self, outcome: str, payload: object) -> None:
        latest = self._take_latest()
        if latest is not None:
            self.fraction, self.message = latest
        if self._discarded:
            return
        if outcome == "succeeded":
            self.state, self.result = JobState.SUCCEEDED, payload  # type: ignore[assignment]
            for cb in self._success_cbs:
                cb(payload)  # type: ignore[arg-type]
        elif outcome == "cancelled":
            self.state = JobState.CANCELLED
            for cancelled_cb in self._cancelled_cbs:
                cancelled_cb()
        else:
            assert isinstance(payload, BaseException)
            self.state, self.error = JobState.FAILED, payload
            handlers = self._failure_cbs or ([self._runner.report_failure] if self._runner else [])
            for failure_cb in handlers:
                failure_cb(payload)
        for finished_cb in self._finished_cbs:
            finished_cb(self)
        if self._runner is not None and qt_object_alive(self._runner):  # the window may have closed meanwhile
            self._runner._forget(self)


class JobRunner(QObject):
    """Runs jobs on a thread pool and keeps the list of those still running."""

    changed = Signal()
    job_finished = Signal(object)
    unhandled_failure = Signal(str, str)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._jobs: list[Job[Any]] = []
        self._abandoned: list[Job[Any]] = []  # still running after shutdown gave up waiting

    def start(self, job: Job[Any]) -> None:
        if job.state is not JobState.PENDING:
            raise RuntimeError(f"job {job.name!r} was already started")
        job._runner = self
        job._relay = _Relay(job)
        job.state = JobState.RUNNING
        self._jobs.append(job)
        self.changed.emit()
        self._pool.start(_Work(job))

    def running(self) -> list[Job[Any]]:
        return list(self._jobs)

    def report_failure(self, error: BaseException) -> None:
        """Failures nobody asked to handle: the window shows them as an error dialog."""
        self.unhandled_failure.emit(type(error).__name__, str(error) or repr(error))

    def cancel_all(self) -> None:
        for job in self._jobs:
            job.cancel()

    def wait(self, timeout_s: float = 30.0) -> bool:
        """Block until every started job has returned (True) or the timeout passed."""
        return bool(self._pool.waitForDone(int(timeout_s * 1000)))

    def shutdown(self, timeout_s: float = 30.0) -> bool:
        """Cancel everything, wait for the workers, and drop outcomes not yet delivered."""
        self.cancel_all()
        finished = self.wait(timeout_s)
        for job in self._jobs:
            job._discarded = True
        if not finished:
            self._abandoned.extend(self._jobs)  # their workers still hold them; keep them alive
        self._jobs.clear()
        self.changed.emit()
        return finished

    def _forget(self, job: Job[Any]) -> None:
        if job in self._jobs:
            self._jobs.remove(job)
        self.changed.emit()
        self.job_finished.emit(job)
        pauses.freeze_long_lived()  # what the job loaded (a library, a model) stays out of full collections
