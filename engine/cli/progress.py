"""Progress of a long `airlock` command on stderr: a tqdm bar on a terminal, plain lines otherwise
(a log file or a pipe keeps one line per step, readable afterwards)."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm

BAR_FORMAT = "{percentage:5.1f}% |{bar:24}| {elapsed} {desc}"
_OPEN: list[ConsoleProgress] = []  # bars still drawn; `close_open` ends them when the command ends


def close_open() -> None:
    """End every bar still open (the command failed or was interrupted before its job reached 1)."""
    for progress in list(_OPEN):
        progress.close()


class ConsoleProgress:
    """A job's progress callback (fraction 0-1, message). Lines: one per new message, and one at least
    every 5 s otherwise. On a terminal: one bar, the message beside it; closed when the job reaches 1."""

    def __init__(self, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        self._last_msg = ""
        self._last_t = 0.0
        self._bar: tqdm[None] | None = None
        self.terminal = not quiet and self.stream.isatty()

    def __call__(self, fraction: float, message: str) -> None:
        if self.quiet:
            return
        if self.terminal:
            self._show_bar(fraction, message)
            return
        t = time.monotonic()
        if message != self._last_msg or t - self._last_t > 5:
            print(f"[{fraction * 100:5.1f}%] {message}", file=self.stream, flush=True)
            self._last_msg, self._last_t = message, t

    def _show_bar(self, fraction: float, message: str) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=1000, file=self.stream, bar_format=BAR_FORMAT, dynamic_ncols=True, leave=True)
            _OPEN.append(self)
        self._bar.n = max(0, min(1000, round(fraction * 1000)))
        self._bar.set_description_str(message, refresh=False)
        self._bar.refresh()
        if fraction >= 1.0:
            self.close()

    def close(self) -> None:
        """End the bar's line (a job that stops before 1: an error, Ctrl+C); nothing to do for lines."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            _OPEN.remove(self)
