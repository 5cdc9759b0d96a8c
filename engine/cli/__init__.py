"""The `airlock` command: everything the GUI does, headless.

Every subcommand takes --workspace DIR, before or after the command name. User errors print one line and exit
non-zero; tracebacks are kept for real bugs. Each domain registers its own subcommands from a module of
this package (COMMAND_GROUPS); the options they share are defined once, in options.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from engine import offline
from engine.cli import (
    audit,
    console,
    dataset,
    doctor,
    documents,
    evaluation,
    examples,
    export,
    iterate,
    lineage,
    members,
    models,
    pii,
    token,
    training,
    workspace,
)
from engine.cli.common import EXIT_USER_ERROR, resolve_workspace
from engine.cli.options import add_global_options
from engine.cli.progress import close_open
from engine.errors import AirlockError

# The modules with a `register(subparsers)` function, in help order.
COMMAND_GROUPS: tuple[ModuleType, ...] = (workspace, documents, pii, examples, dataset, models, training, export,
                                          console, evaluation, iterate, audit, members, lineage, token, doctor)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="airlock", description="Airlock: build your own small model, offline.")
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", required=True)
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The program. Started as `airlock` (argv None), it first seals itself off the network
    (engine/seal.py); called from Python with arguments (tests), it leaves the caller's process as is."""
    if argv is None:
        from engine import seal

        seal.seal_process()
    offline.install_guard()
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        try:
            return func(args)
        finally:
            close_open()  # a progress bar a failed or interrupted job left open ends before the error is told
    except AirlockError as exc:
        print(f"airlock: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("airlock: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        from engine.store.storage_errors import storage_problem

        root = resolve_workspace(args)
        in_workspace = not exc.filename or Path(str(exc.filename)).resolve().is_relative_to(root.resolve())
        if in_workspace and (problem := storage_problem(exc, root)) is not None:  # its disk is full or read-only
            print(f"airlock: error: {problem}", file=sys.stderr)
            return EXIT_USER_ERROR
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"airlock: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as exc:  # a database write the disk refused (full, read-only) outside a unit of work
        from engine.store.storage_errors import storage_problem

        problem = storage_problem(exc, resolve_workspace(args))
        if problem is None:
            raise
        print(f"airlock: error: {problem}", file=sys.stderr)
        return EXIT_USER_ERROR
