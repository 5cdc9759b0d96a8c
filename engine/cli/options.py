"""The options many `airlock` commands share, each defined once as an argparse parent parser.

A command takes them with ``sub.add_parser(name, parents=[WORKSPACE, JSON, QUIET])``. --workspace is
also accepted before the command name (``add_global_options`` on the top-level parser).
"""

from __future__ import annotations

import argparse
from pathlib import Path

WORKSPACE_HELP = "workspace folder (default: the per-user data folder, or $AIRLOCK_WORKSPACE)"


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """--workspace before the command (``airlock --workspace DIR init``). Only the top level has a default:
    the commands' copy (WORKSPACE) suppresses its own, so a command not given one keeps the value given
    before it (argparse copies a subcommand's defaults over the top level's), and one given after the
    command name wins."""
    parser.add_argument("--workspace", "-w", type=Path, default=None, help=WORKSPACE_HELP)


def _parent() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(add_help=False)


WORKSPACE = _parent()
WORKSPACE.add_argument("--workspace", "-w", type=Path, default=argparse.SUPPRESS, help=WORKSPACE_HELP)

JSON = _parent()
JSON.add_argument("--json", action="store_true", help="machine-readable output (JSON)")

QUIET = _parent()
QUIET.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
