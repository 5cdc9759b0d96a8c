"""Helpers for the tests that check long work runs off the GUI thread: a wrapper around an engine
function that records the threads it ran on (and can hold one call to look at the page meanwhile),
and screenshots of a page while its job runs and after, saved under /tmp/shots-jobs/."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

SHOTS = Path("/tmp/shots-jobs")


def shot(window: Any, qtbot: Any, name: str) -> None:
    qtbot.wait(50)
    SHOTS.mkdir(exist_ok=True)
    assert window.grab().save(str(SHOTS / f"{name}.png"))


class Recorder:
    """Wraps an engine function: records the thread each call runs on, holds the first call of the
    first thread that comes once ``hold()`` was called until ``release()``, then calls the real one."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.threads: list[threading.Thread] = []
        self._held: threading.Thread | None = None
        self._holding = False
        self._release = threading.Event()
        self._lock = threading.Lock()
        self.waiting = threading.Event()

    def hold(self) -> None:
        self._holding = True

    def release(self) -> None:
        self._release.set()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        me = threading.current_thread()
        with self._lock:
            self.threads.append(me)
            first = self._holding and self._held is None
            if first:
                self._held = me
        if first:
            self.waiting.set()
            self._release.wait(20)
        return self.real(*args, **kwargs)


