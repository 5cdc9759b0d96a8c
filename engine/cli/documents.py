"""`airlock import` and `airlock pii scan`: documents in, personal data found."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.cli.common import (
    EXIT_CHECK_FAILED,
    ConsoleProgress,
    open_workspace,
    workspace_arg,
)


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


def cmd_pii_scan(args: argparse.Namespace) -> int:
    """Detect and redact files without a workspace and without storing anything."""
    from engine.documents.readers import read_file
    from engine.errors import InputFileError
    from engine.privacy.batch import default_workers, redact_many

    results: list[dict[str, object]] = []
    pending: list[tuple[dict[str, object], str]] = []  # (result to fill in, text)
    failed = False
    for name in args.files:
        path = Path(name)
        try:
            _fmt, records = read_file(path, path.read_bytes())
        except InputFileError as exc:
            results.append({"file": str(path), "error": exc.problem})
            failed = True
            continue
        except OSError as exc:
            results.append({"file": str(path), "error": f"cannot be read ({exc.strerror or exc})"})
            failed = True
            continue
        for rec in records:
            result: dict[str, object] = {"file": str(path), "record": rec.name}
            results.append(result)
            pending.append((result, rec.text))
    workers = args.workers or default_workers()
    for (result, _text), (spans, redacted) in zip(pending, redact_many([t for _r, t in pending], workers=workers),
                                                  strict=True):
        result["entities"] = [{"type": sp.entity_type, "start": sp.start, "end": sp.end,
                               "score": round(sp.score, 4)} for sp in spans]
        result["redacted_text"] = redacted
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        for r in results:
            if "error" in r:
                print(f"{r['file']}: {r['error']}", file=sys.stderr)
                continue
            entities = r["entities"]
            assert isinstance(entities, list)
            kinds = sorted({str(e["type"]) for e in entities})
            print(f"{r['file']} [{r['record']}]: {len(entities)} findings ({', '.join(kinds) or 'none'})")
            print(f"  {r['redacted_text']}")
    return EXIT_CHECK_FAILED if failed else 0


def cmd_keep_originals(args: argparse.Namespace) -> int:
    """Admins only: keep (or stop keeping) each document's original text after it is cleared."""
    with open_workspace(args) as ws:
        if args.state is None:
            print("on" if ws.privacy.keep_originals() else "off")
            return 0
        dropped = ws.privacy.set_keep_originals(args.state == "on")
    print(f"keep originals: {args.state}" + (f" ({dropped} stored originals discarded)" if dropped else ""))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("import", help="import documents (files or folders)")
    workspace_arg(p)
    p.add_argument("paths", nargs="+")
    p.add_argument("--text-field", default="text", help="CSV column / JSONL field holding the text")
    p.add_argument("--label-field", default=None,
                   help="CSV column / JSONL field holding a label (default: 'label' where there is one)")
    p.add_argument("--workers", type=int, default=0,
                   help="processes reading files (default: one per CPU core, at most 2)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_import)

    pii = sub.add_parser("pii", help="personal data detection")
    pii_sub = pii.add_subparsers(dest="pii_command", required=True)
    p = pii_sub.add_parser("scan", help="detect PII in files and print the redacted text; stores nothing")
    p.add_argument("files", nargs="+")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--workers", type=int, default=0,
                   help="processes to detect in (default: one per CPU core, at most 2)")
    p.set_defaults(func=cmd_pii_scan)
    p = pii_sub.add_parser("keep-originals", help="show, or (admins) change, whether cleared documents keep "
                                                  "their original text")
    workspace_arg(p)
    p.add_argument("state", nargs="?", choices=("on", "off"))
    p.set_defaults(func=cmd_keep_originals)
