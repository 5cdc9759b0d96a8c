"""What every `airlock` subcommand shares: its exit codes, and finding and opening the workspace it names
(the options themselves are in options.py, progress in progress.py, tables in table.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.workspace import Workspace

EXIT_USER_ERROR = 2
EXIT_CHECK_FAILED = 1


def resolve_workspace(args: argparse.Namespace) -> Path:
    if getattr(args, "workspace", None) is not None:
        return Path(args.workspace)
    from engine.paths import default_workspace

    return default_workspace()


def open_workspace(args: argparse.Namespace) -> Workspace:
    from engine.workspace import Workspace

    return Workspace.open(resolve_workspace(args))
