"""`airlock lineage ARTIFACT|RUN|VERSION [--json] [--html FILE [--pdf]]`: follow a model down to its sources."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from engine.cli.common import open_workspace
from engine.cli.options import JSON, WORKSPACE
from engine.cli.table import print_json
from engine.errors import AirlockError


def cmd_lineage(args: argparse.Namespace) -> int:
    from engine import lineage, lineage_report

    with open_workspace(args) as ws:
        tree = lineage.build(ws, args.target)
        if args.html:
            lineage_report.write(ws, tree, Path(args.html))
    if args.json:
        print_json(tree)
    else:
        print(lineage_report.text(tree))
    if args.html:
        print(f"report: {args.html}", file=sys.stderr)
        if args.pdf:
            pdf = Path(args.html).with_suffix(".pdf")
            done = subprocess.run([sys.executable, "-m", "desktop.report_pdf", args.html, str(pdf)],
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise AirlockError(f"could not make the PDF: {done.stderr.strip() or done.stdout.strip()}")
            print(f"report: {pdf}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("lineage", parents=[WORKSPACE, JSON],
                       help="follow a model artifact, training run or dataset version to its sources")
    p.add_argument("target", help="artifact:ID, run:ID or version:ID")
    p.add_argument("--html", default=None, metavar="FILE", help="also write an HTML lineage report")
    p.add_argument("--pdf", action="store_true", help="with --html: also a PDF beside it")
    p.set_defaults(func=cmd_lineage)
