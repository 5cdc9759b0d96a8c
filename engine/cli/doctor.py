"""`airlock doctor`: check the installation, the llama.cpp self-test, the machine and the seal."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from engine.cli.common import EXIT_CHECK_FAILED
from engine.cli.options import JSON, WORKSPACE
from engine.cli.table import Column, print_table

MARKS = {"ok": "ok", "info": "--", "warning": "WARN", "problem": "FAIL"}


def cmd_doctor(args: argparse.Namespace) -> int:
    from engine.doctor import as_json, run_checks

    started = time.perf_counter()
    workspace = Path(args.workspace).expanduser() if getattr(args, "workspace", None) is not None else None
    checks = run_checks(workspace, run_selftest=not args.no_selftest)
    problems = [c for c in checks if c.status == "problem"]
    if args.json:
        print(as_json(checks))
    else:
        print_table([{"mark": MARKS[c.status], "area": c.area, "name": c.name, "detail": c.detail} for c in checks],
                    (Column("mark", 4, right=True), Column("area", 10), Column("name", 24), Column("detail")))
        took = time.perf_counter() - started
        if problems:
            print(f"\n{len(problems)} problem{'s' if len(problems) != 1 else ''} ({took:.1f} s):", file=sys.stderr)
            for c in problems:
                print(f"  - {c.name}: {c.detail}", file=sys.stderr)
        else:
            warnings = sum(c.status == "warning" for c in checks)
            print(f"\nall well ({warnings} warning{'s' if warnings != 1 else ''}, {took:.1f} s)")
    return EXIT_CHECK_FAILED if problems else 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # --workspace: checked only when given (schema version, audit chain)
    p = sub.add_parser("doctor", parents=[WORKSPACE, JSON],
                       help="check the installation, llama.cpp, the GPU, disk, memory, the network seal "
                            "and a workspace; exit 1 naming each problem")
    p.add_argument("--no-selftest", action="store_true",
                   help="do not run the llama.cpp self-test when this machine has none stored")
    p.set_defaults(func=cmd_doctor)
