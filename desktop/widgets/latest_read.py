"""A read too slow for the GUI thread (thousands of rows), done as a job whose newest result wins.

    self.rows_read = LatestRead(runner, "Reading the documents", busy=self.reading_label)
    self.rows_read.start(lambda: ws.documents.rows(), self._show_rows)

Starting a read cancels the one before it; a result that comes back after a newer read was started
(or after ``forget()``, when the page's workspace changed) is dropped, so what is shown is always
the newest read. ``busy`` (any widget: a label saying "Reading…") shows while a read runs, and the
status bar lists the job like any other. A failed read goes to ``failed`` (a page shows it as its
banner); reads change nothing, so no page refreshes when one ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from desktop.jobs import Job

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from desktop.qt import QWidget

T = TypeVar("T")


class LatestRead(Generic[T]):
    def __init__(self, runner: JobRunner, name: str, busy: QWidget | None = None,
                 failed: Callable[[BaseException], None] | None = None) -> None:
        self.runner = runner
        self.name = name
        self.busy_widget = busy
        self.failed = failed
        self.job: Job[T] | None = None
        if busy is not None:
            busy.hide()

    @property
    def busy(self) -> bool:
        return self.job is not None

    def start(self, read: Callable[[], T], show: Callable[[T], None]) -> Job[T]:
        """Run ``read`` off the GUI thread and hand its result to ``show`` on it, unless a newer
        read was started meanwhile."""
        self.forget()
        job: Job[T] = Job(lambda ctx: read(), self.name)
        self.job = job
        if self.busy_widget is not None:
            self.busy_widget.show()
        job.on_success(lambda data: show(data) if job is self.job else None)
        job.on_failure(lambda exc: self._failed(job, exc))
        job.on_cancelled(lambda: None)
        job.on_finished(self._ended)
        return job.run(self.runner)

    def forget(self) -> None:
        """Drop the read under way: it is cancelled at its next safe point, and its result not shown."""
        if self.job is not None:
            self.job.cancel()
        self.job = None
        if self.busy_widget is not None:
            self.busy_widget.hide()

    def _failed(self, job: Job[T], exc: BaseException) -> None:
        if job is not self.job:
            return
        if self.failed is not None:
            self.failed(exc)
        else:
            self.runner.report_failure(exc)

    def _ended(self, job: Job[T]) -> None:
        if job is self.job:
            self.job = None
            if self.busy_widget is not None:
                self.busy_widget.hide()
