"""What every `airlock` subcommand shares: the --workspace option, opening it, progress on stderr."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.workspace import Workspace

EXIT_USER_ERROR = 2
EXIT_CHECK_FAILED = 1


def add_global_options(parser: argparse.ArgumentParser, top_level: bool = False) -> None:
    """The options every command takes. They are accepted before the command (``airlock --workspace
    DIR init``) and after it (``airlock init --workspace DIR``): only the top level has a default, so
    a command not given one keeps the value given before it (argparse copies a subcommand's defaults
    over the top level's)."""
    parser.add_argument("--workspace", "-w", type=Path, default=None if top_level else argparse.SUPPRESS,
                        help="workspace folder (default: the per-user data folder, or $AIRLOCK_WORKSPACE)")


def workspace_arg(parser: argparse.ArgumentParser) -> None:
    """Give a command the global options (see ``add_global_options``)."""
    add_global_options(parser)


def resolve_workspace(args: argparse.Namespace) -> Path:
    if getattr(args, "workspace", None) is not None:
        return Path(args.workspace)
    from engine.paths import default_workspace

    return default_workspace()


def open_workspace(args: argparse.Namespace) -> Workspace:
    from engine.workspace import Workspace

    return Workspace.open(resolve_workspace(args))


class ConsoleProgress:
    """Progress on stderr: one line per new message, at most every 0.2 s otherwise."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self._last_msg = ""
        self._last_t = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        if self.quiet:
            return
        t = time.monotonic()
        if message != self._last_msg or t - self._last_t > 5:
            print(f"[{fraction * 100:5.1f}%] {message}", file=sys.stderr, flush=True)
            self._last_msg, self._last_t = message, t
