"""`airlock examples import|export`: example files in (every bad row named), frozen versions out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli.common import EXIT_CHECK_FAILED, ConsoleProgress, open_workspace, workspace_arg


def cmd_import(args: argparse.Namespace) -> int:
    from engine.jobs import JobContext

    with open_workspace(args) as ws:
        report = ws.tasks.import_examples(args.task, Path(args.file), args.format, args.text_column,
                                          args.label_column, JobContext(progress=ConsoleProgress(args.quiet)))
    for rejection in report.rejected:
        print(f"rejected {args.file}: {rejection}", file=sys.stderr)
    print(f"imported {len(report.created)} examples ({report.format}; {report.labelled} with an answer, "
          f"{report.redacted_rows} with personal data redacted), {len(report.rejected)} rows rejected")
    return EXIT_CHECK_FAILED if report.rejected else 0


def cmd_export(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        out = ws.datasets.export(args.version, args.format, Path(args.out))
    print(f"exported dataset version {args.version} ({args.format}) to {out}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from engine.datasets.export import EXPORT_FORMATS
    from engine.tasks.example_formats import FORMATS

    examples = sub.add_parser("examples", help="import examples into a task; export a dataset version")
    ex_sub = examples.add_subparsers(dest="examples_command", required=True)
    p = ex_sub.add_parser("import", help="chat JSONL, prompt/completion, Alpaca, ShareGPT or CSV; bad rows are "
                                         "listed and the good ones kept (exit 1 when any row was rejected)")
    workspace_arg(p)
    p.add_argument("file")
    p.add_argument("--task", type=int, required=True, help="task id")
    p.add_argument("--format", choices=FORMATS, default="auto")
    p.add_argument("--text-column", default="text", help="CSV column with the input text")
    p.add_argument("--label-column", default="label", help="CSV column with the answer (optional)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_import)
    p = ex_sub.add_parser("export", help="a frozen dataset version as chat JSONL files or a Hugging Face folder")
    workspace_arg(p)
    p.add_argument("--version", type=int, required=True, help="dataset version id")
    p.add_argument("--format", choices=EXPORT_FORMATS, default="chat")
    p.add_argument("out", help="a new (or empty) folder")
    p.set_defaults(func=cmd_export)
