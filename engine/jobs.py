"""The protocol every long piece of work follows, GUI or CLI.

A job is a plain function taking a ``JobContext``. It reports progress as a
fraction in [0, 1] with a short message, and calls ``ctx.check()`` at safe
points, which raises ``Cancelled`` once cancellation was requested. Nothing here
knows about Qt: the desktop runner and the CLI supply the callbacks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

ProgressFn = Callable[[float, str], None]
CancelCheck = Callable[[], bool]


class Cancelled(Exception):
    """Raised at a safe point after the user asked to cancel."""


def _no_progress(fraction: float, message: str) -> None:
    return None


def _never() -> bool:
    return False


@dataclass
class JobContext:
    progress: ProgressFn = _no_progress
    cancelled: CancelCheck = _never
    start: float = 0.0
    end: float = 1.0

    def report(self, fraction: float, message: str = "") -> None:
        fraction = min(1.0, max(0.0, fraction))
        self.progress(self.start + (self.end - self.start) * fraction, message)

    def check(self) -> None:
        if self.cancelled():
            raise Cancelled()

    def step(self, fraction: float, message: str = "") -> None:
        """Report, then stop here if cancellation was requested."""
        self.report(fraction, message)
        self.check()

    def sub(self, start: float, end: float) -> JobContext:
        """A context whose [0, 1] maps onto [start, end] of this one."""
        span = self.end - self.start
        return JobContext(
            progress=self.progress,
            cancelled=self.cancelled,
            start=self.start + span * start,
            end=self.start + span * end,
        )


@dataclass
class CancelToken:
    """A thread-safe cancel flag that can be handed to a JobContext."""

    _event: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self._event.set()

    def __call__(self) -> bool:
        return self._event.is_set()
