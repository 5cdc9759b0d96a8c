"""`airlock import` and `airlock documents list`: documents in, and what state each is in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli.common import EXIT_CHECK_FAILED, open_workspace
from engine.cli.options import JSON, QUIET, WORKSPACE
from engine.cli.progress import ConsoleProgress
from engine.cli.table import Column, print_rows


def cmd_import(args: argparse.Namespace) -> int:
    from engine.jobs import JobContext
    from engine.privacy.batch import default_workers

    with open_workspace(args) as ws:
        report = ws.documents.import_files([Path(p) for p in args.paths],
                                           JobContext(progress=ConsoleProgress(args.quiet)),
                                           text_field=args.text_field, label_field=args.label_field,
                                           workers=args.workers or default_workers())
    for dup in report.duplicates:
        print(f"duplicate {dup}")
    for err in report.errors:
        print(f"skipped {err}", file=sys.stderr)
    print(f"imported {len(report.imported)} documents, {len(report.duplicates)} duplicates, "
          f"{len(report.errors)} files skipped")
    return 0 if not report.errors else EXIT_CHECK_FAILED


LIST_COLUMNS = (Column("id", 6, right=True), Column("status", 9), Column("findings", 13, right=True, fmt="{} findings"),
                Column("format", 5), Column("name"))


def cmd_list(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        rows = [r for r in ws.documents.rows() if args.status is None or r.status == args.status]
    print_rows(args, [{"id": r.id, "name": r.name, "format": r.format, "size_bytes": r.size_bytes, "status": r.status,
                       "findings": r.findings, "imported_at": r.imported_at.isoformat()} for r in reversed(rows)],
               LIST_COLUMNS)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("import", parents=[WORKSPACE, QUIET], help="import documents (files or folders)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--text-field", default="text", help="CSV column / JSONL field holding the text")
    p.add_argument("--label-field", default=None,
                   help="CSV column / JSONL field holding a label (default: 'label' where there is one)")
    p.add_argument("--workers", type=int, default=0,
                   help="processes reading files (default: one per CPU core, at most 2)")
    p.set_defaults(func=cmd_import)

    docs = sub.add_parser("documents", help="the workspace's documents")
    docs_sub = docs.add_subparsers(dest="documents_command", required=True)
    p = docs_sub.add_parser("list", parents=[WORKSPACE, JSON],
                            help="id, review status, PII findings and name of each document")
    p.add_argument("--status", choices=("imported", "scanned", "cleared"), default=None)
    p.set_defaults(func=cmd_list)
