"""`airlock examples import|from-documents|export`: example files in (every bad row named), pieces of
cleared documents in (previewed first with --preview), frozen versions out."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from engine.cli.common import EXIT_CHECK_FAILED, open_workspace
from engine.cli.options import JSON, QUIET, WORKSPACE
from engine.cli.progress import ConsoleProgress
from engine.cli.table import print_json


def cmd_import(args: argparse.Namespace) -> int:
    from engine.jobs import JobContext

    with open_workspace(args) as ws:
        report = ws.tasks.import_examples(args.task, Path(args.file), args.format, args.text_column,
                                          args.label_column, JobContext(progress=ConsoleProgress(args.quiet)))
    for rejection in report.rejected:
        print(f"rejected {args.file}: {rejection}", file=sys.stderr)
    print(f"imported {len(report.created)} examples ({report.format}; {report.labelled} with an answer), "
          f"{len(report.rejected)} rows rejected")
    if report.review_id is not None:
        print(f"{report.held_for_review} rows with personal data held for review {report.review_id} (nothing "
              f"changed yet): " + ", ".join(f"{t} {n}" for t, n in report.findings_by_type.items()))
        print(f"review them with: airlock examples review {report.review_id}")
    return EXIT_CHECK_FAILED if report.rejected else 0


def cmd_review(args: argparse.Namespace) -> int:
    """Show an example import review (summary first, then each row with its findings), decide findings
    one by one or by type, mark a missed span, finish."""
    with open_workspace(args) as ws:
        reviews = ws.tasks.example_reviews
        if args.review is None:
            if args.json:
                print_json([asdict(r) for r in reviews.open_reviews()])
                return 0
            for r in reviews.open_reviews():
                print(f"review {r.review_id}: task {r.task_id}, {r.file_name}, {r.rows} rows, {r.pending} pending")
            return 0
        for ids, decision in ((args.accept, "accepted"), (args.reject, "rejected")):
            if ids:
                reviews.decide(ids, decision)
        for types, decision in ((args.accept_type, "accepted"), (args.reject_type, "rejected")):
            for entity in types or ():
                n = reviews.decide_type(args.review, entity.upper(), decision)
                print(f"{decision} {n} pending {entity.upper()} finding(s)")
        if args.mark:
            row, where, start, end, entity = args.mark
            reviews.add_span(int(row), where, int(start), int(end), entity)
        if args.finish:
            report = reviews.finish(args.review)
            for rejection in report.rejected:
                print(f"rejected {report.path}: {rejection}", file=sys.stderr)
            print(f"review {args.review} finished: {len(report.created)} examples stored "
                  f"({report.redacted_rows} redacted), {len(report.rejected)} rows rejected; originals deleted")
            return EXIT_CHECK_FAILED if report.rejected else 0
        summary = reviews.summary(args.review)
        print(f"review {summary.review_id} of {summary.file_name} (task {summary.task_id}): {summary.rows} rows, "
              f"findings " + ", ".join(f"{t} {n}" for t, n in summary.by_type.items()) +
              f"; {summary.pending} pending")
        if args.summary:
            return 0
        for item in reviews.items(args.review):
            print(f"--- row {item.id} (line {item.line})")
            for f in item.findings:
                value = (item.input_text if f.field == "input" else item.answer or "")[f.start:f.end]
                print(f"  [{f.id}] {f.decision:<8} {f.field:<6} {f.entity_type:<16} {f.start}-{f.end} {value!r}")
    return 0


def cmd_from_documents(args: argparse.Namespace) -> int:
    from engine.tasks.chunking import Chunking

    with open_workspace(args) as ws:
        docs = args.documents or [d.id for d in ws.documents.rows() if d.status == "cleared"]
        if not args.preview:
            ids = ws.tasks.examples_from_documents(args.task, docs, args.label_from_source,
                                                   Chunking(args.mode, args.size, args.overlap))
            print(f"created {len(ids)} examples from {len(docs)} documents ({args.mode})")
            return 0
        pieces = ws.tasks.preview_chunks(docs, args.mode, args.size, args.overlap)
    for piece in pieces:
        print(f"--- {piece.source_name} #{piece.index + 1} ({len(piece.text)} characters)\n{piece.text}")
    print(f"{len(pieces)} examples would be created from {len(docs)} documents (preview; nothing stored)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        out = ws.datasets.export(args.version, args.format, Path(args.out))
    print(f"exported dataset version {args.version} ({args.format}) to {out}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from engine.datasets.export import EXPORT_FORMATS
    from engine.tasks.chunking import MODES
    from engine.tasks.example_formats import FORMATS

    examples = sub.add_parser("examples", help="import examples into a task; export a dataset version")
    ex_sub = examples.add_subparsers(dest="examples_command", required=True)
    p = ex_sub.add_parser("import", parents=[WORKSPACE, QUIET],
                          help="chat JSONL, prompt/completion, Alpaca, ShareGPT, CSV or a Hugging Face "
                               "datasets folder; bad rows are listed and the good ones kept (exit 1 "
                               "when any row was rejected)")
    p.add_argument("file", help="an example file, or a folder written by datasets' save_to_disk")
    p.add_argument("--task", type=int, required=True, help="task id")
    p.add_argument("--format", choices=FORMATS, default="auto")
    p.add_argument("--text-column", default="text", help="CSV column with the input text")
    p.add_argument("--label-column", default="label", help="CSV column with the answer (optional)")
    p.set_defaults(func=cmd_import)
    p = ex_sub.add_parser("review", parents=[WORKSPACE, JSON],
                          help="imported rows with personal data: the summary, each finding, decide "
                               "(one by one or by type), mark a missed span, finish")
    p.add_argument("review", nargs="?", type=int, help="review id (default: list the open reviews)")
    p.add_argument("--summary", action="store_true", help="only the counts, no texts")
    p.add_argument("--accept", nargs="+", type=int, metavar="FINDING")
    p.add_argument("--reject", nargs="+", type=int, metavar="FINDING")
    p.add_argument("--accept-type", action="append", metavar="TYPE", help="accept every pending finding of a type")
    p.add_argument("--reject-type", action="append", metavar="TYPE", help="reject every pending finding of a type")
    p.add_argument("--mark", nargs=5, metavar=("ROW", "FIELD", "START", "END", "TYPE"),
                   help="mark a span the detector missed (FIELD: input or answer)")
    p.add_argument("--finish", action="store_true", help="redact, store the rows as examples, delete the originals")
    p.set_defaults(func=cmd_review)
    p = ex_sub.add_parser("from-documents", parents=[WORKSPACE],
                          help="examples from cleared documents: whole, or pieces by paragraph "
                               "or size with overlap; --preview shows them and stores nothing")
    p.add_argument("documents", nargs="*", type=int, help="document ids (default: every cleared document)")
    p.add_argument("--task", type=int, required=True, help="task id")
    p.add_argument("--mode", choices=MODES, default="whole")
    p.add_argument("--size", type=int, default=2000, help="largest piece, in characters")
    p.add_argument("--overlap", type=int, default=0, help="characters repeated between pieces cut by size")
    p.add_argument("--label-from-source", action="store_true", help="label pieces with their document's label")
    p.add_argument("--preview", action="store_true")
    p.set_defaults(func=cmd_from_documents)
    p = ex_sub.add_parser("export", parents=[WORKSPACE],
                          help="a frozen dataset version as chat JSONL files or a Hugging Face folder")
    p.add_argument("--version", type=int, required=True, help="dataset version id")
    p.add_argument("--format", choices=EXPORT_FORMATS, default="chat")
    p.add_argument("out", help="a new (or empty) folder")
    p.set_defaults(func=cmd_export)
