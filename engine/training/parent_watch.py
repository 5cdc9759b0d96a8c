"""A training worker notices when the process that started it (the window, or `airlock train start
--wait`) is gone, however it ended (closed, crashed, ``kill -9``), and stops on its own.

Two ways, either enough: on Linux the kernel signals the worker the moment its parent ends
(``prctl(PR_SET_PDEATHSIG)``); everywhere, a daemon thread checks every ``POLL_S`` seconds whether
the worker was handed to another parent (``os.getppid()`` changed). The kernel also sends the
signal when the *thread* that started the worker ends (the desktop starts runs from a job thread),
so the signal only wakes the check; the check decides.

A run started to outlive its window (``--detach``, the GUI's "keep training after closing")
is given no parent to watch.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
from collections.abc import Callable

PARENT_ENV = "AIRLOCK_WORKER_PARENT"  # the pid the worker watches; absent: a detached run
POLL_S = 1.0
PR_SET_PDEATHSIG = 1
WAKE_SIGNAL = signal.SIGUSR1


def set_parent_death_signal(signum: int) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent ends; False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


class ParentWatch:
    """Calls ``on_gone`` once, from its own daemon thread, when ``parent_pid`` is no longer this
    process's parent."""

    def __init__(self, parent_pid: int, on_gone: Callable[[], None], poll_s: float = POLL_S) -> None:
        self.parent_pid = parent_pid
        self.on_gone = on_gone
        self.poll_s = poll_s
        self.gone = threading.Event()
        self._wake = threading.Event()
        self.signal_armed = False
        self._thread = threading.Thread(target=self._run, name="parent-watch", daemon=True)

    def start(self) -> ParentWatch:
        if threading.current_thread() is threading.main_thread():  # handlers can only be set there
            signal.signal(WAKE_SIGNAL, lambda _sig, _frame: self._wake.set())  # before the kernel may send it
            self.signal_armed = set_parent_death_signal(WAKE_SIGNAL)
        self._thread.start()
        return self

    def parent_alive(self) -> bool:
        return os.getppid() == self.parent_pid

    def _run(self) -> None:
        while self.parent_alive():  # also catches a parent that ended before the signal was armed
            self._wake.wait(self.poll_s)
            self._wake.clear()
        self.gone.set()
        self.on_gone()


def watch_from_environment(on_gone: Callable[[], None]) -> ParentWatch | None:
    """Start watching the parent named by ``AIRLOCK_WORKER_PARENT``; None for a detached run."""
    parent = os.environ.get(PARENT_ENV)
    if not parent:
        return None
    return ParentWatch(int(parent), on_gone).start()
