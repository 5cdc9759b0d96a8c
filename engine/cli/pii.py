"""`airlock pii ...`: find personal data in files, and review and redact the workspace's documents.

`pii scan` works on files and stores nothing. The other commands are the review
workflow of the Documents page, headless: detect, list the findings, accept or
reject them, mark what the detector missed, then redact ("clear") a document.
Every decision is stored with the OS user and audited by ``ws.privacy``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli.common import EXIT_CHECK_FAILED, open_workspace
from engine.cli.options import JSON, QUIET, WORKSPACE
from engine.cli.progress import ConsoleProgress
from engine.cli.signing import add_signature_args, signature_from
from engine.cli.table import Column, print_json, print_table
from engine.errors import AirlockError
from engine.signatures import signing


def cmd_scan(args: argparse.Namespace) -> int:
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
        print_json(results)
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


def cmd_detect(args: argparse.Namespace) -> int:
    """Scan stored documents (default: every one not scanned yet) and store the findings for review."""
    with open_workspace(args) as ws:
        ids = args.documents or ws.documents.ids(status="imported")
        progress = ConsoleProgress(args.quiet)
        for i, doc_id in enumerate(ids):
            progress(i / max(1, len(ids)), f"Scanning document {doc_id}")
            found = ws.privacy.scan(doc_id)
            pending = sum(f.decision == "pending" for f in found)
            print(f"document {doc_id}: {len(found)} findings, {pending} awaiting review")
    print(f"scanned {len(ids)} documents")
    return 0


FINDING_COLUMNS = (Column("id", 6, right=True), Column("decision", 8), Column("type", 16), Column("span"),
                   Column("shown_as"))
POLICY_COLUMNS = (Column("entity", 20), Column("action"), Column("note"))


def cmd_findings(args: argparse.Namespace) -> int:
    """The document's findings; the value is shown while the original text is still there."""
    with open_workspace(args) as ws:
        found = ws.privacy.findings(args.document)
        shown = ws.documents.text(args.document)
    original = shown.text if shown is not None and not shown.redacted else None
    rows = [{"id": f.id, "type": f.entity_type, "start": f.start, "end": f.end, "score": round(f.score, 4),
             "source": f.source, "decision": f.decision, "placeholder": f.placeholder,
             "value": original[f.start:f.end] if original is not None else None} for f in found]
    if args.json:
        print_json(rows)
        return 0
    print_table([{**r, "span": f"{r['start']}-{r['end']}",
                  "shown_as": r["value"] if r["value"] is not None else r["placeholder"] or "(original discarded)"}
                 for r in rows], FINDING_COLUMNS)
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    decision = {"accept": "accepted", "reject": "rejected"}[args.decision]
    with open_workspace(args) as ws:
        for finding_id in args.findings:
            f = ws.privacy.decide(finding_id, decision)
            print(f"finding {f.id} ({f.entity_type}, document {f.document_id}): {f.decision}")
    return 0


def cmd_accept_all(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        n = ws.privacy.accept_all(args.document, args.type)
    print(f"accepted {n} findings" + (f" of type {args.type}" if args.type else ""))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Mark what the detector missed: one span by offsets, or every occurrence of a text."""
    with open_workspace(args) as ws:
        if args.at is not None:
            spans = [(args.at[0], args.at[1])]
        else:
            shown = ws.documents.text(args.document)
            if shown is None or shown.redacted:
                raise AirlockError(f"document {args.document} has no original text left to mark")
            spans = _occurrences(shown.text, args.text)
            if not spans:
                raise AirlockError(f"document {args.document} does not contain {args.text!r}")
            marked = {(f.start, f.end) for f in ws.privacy.findings(args.document) if f.decision == "accepted"}
            spans = [sp for sp in spans if sp not in marked]
        ids = [ws.privacy.add_manual(args.document, start, end, args.type) for start, end in spans]
    print(f"marked {len(ids)} spans as {args.type.upper()}")
    return 0


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    spans, at = [], text.find(needle) if needle else -1
    while at >= 0:
        spans.append((at, at + len(needle)))
        at = text.find(needle, at + len(needle))
    return spans


def cmd_redact(args: argparse.Namespace) -> int:
    """Apply the accepted findings and clear the documents; refuses any with findings still pending."""
    with open_workspace(args) as ws:
        ids = args.documents or ws.documents.ids(status="scanned")
        failed = []
        for doc_id in ids:
            try:
                text = ws.privacy.redact_document(doc_id)
            except AirlockError as exc:
                if args.documents:
                    raise
                failed.append(doc_id)
                print(f"skipped document {doc_id}: {exc}", file=sys.stderr)
                continue
            print(f"document {doc_id}: cleared ({len(text)} characters of redacted text)")
    return EXIT_CHECK_FAILED if failed else 0


def cmd_keep_originals(args: argparse.Namespace) -> int:
    """Admins only: keep (or stop keeping) each document's original text after it is cleared."""
    with open_workspace(args) as ws:
        if args.state is None:
            print("on" if ws.privacy.keep_originals() else "off")
            return 0
        with signing(signature_from(args, "keeping original documents") if args.state == "on" else None):
            dropped = ws.privacy.set_keep_originals(args.state == "on")
    print(f"keep originals: {args.state}" + (f" ({dropped} stored originals discarded)" if dropped else ""))
    return 0


def cmd_policy(args: argparse.Namespace) -> int:
    """The entity policy (redact / review / ignore per type); --set TYPE=ACTION changes it (audited)."""
    from dataclasses import replace

    with open_workspace(args) as ws:
        settings = ws.privacy.settings()
        if args.set:
            policy = settings.entity_policy()
            for item in args.set:
                entity, _, action = item.partition("=")
                policy = policy.with_action(entity, action.strip().lower())
            settings = ws.privacy.save_settings(replace(settings, policy=dict(policy.overrides)))
        rows = [{"entity": entity, "action": action, "changed": entity in settings.policy}
                for entity, action in settings.entity_policy().table().items()]
    if args.json:
        print_json(rows)
        return 0
    print_table([{**r, "note": "(changed from the default)" if r["changed"] else ""} for r in rows], POLICY_COLUMNS)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pii = sub.add_parser("pii", help="personal data: detect in files; review and redact documents")
    pii_sub = pii.add_subparsers(dest="pii_command", required=True)
    # takes --workspace as every command does (before or after its name), but works on files only
    p = pii_sub.add_parser("scan", parents=[WORKSPACE, JSON],
                           help="detect PII in files and print the redacted text; stores nothing")
    p.add_argument("files", nargs="+")
    p.add_argument("--workers", type=int, default=0,
                   help="processes to detect in (default: one per CPU core, at most 2)")
    p.set_defaults(func=cmd_scan)

    p = pii_sub.add_parser("detect", parents=[WORKSPACE, QUIET],
                           help="scan stored documents and keep the findings for review")
    p.add_argument("documents", nargs="*", type=int, help="document ids (default: every one not scanned yet)")
    p.set_defaults(func=cmd_detect)

    p = pii_sub.add_parser("findings", parents=[WORKSPACE, JSON], help="a document's findings with their decisions")
    p.add_argument("document", type=int)
    p.set_defaults(func=cmd_findings)

    p = pii_sub.add_parser("decide", parents=[WORKSPACE],
                           help="accept or reject findings (stored with your user name, audited)")
    p.add_argument("decision", choices=("accept", "reject"))
    p.add_argument("findings", nargs="+", type=int, help="finding ids")
    p.set_defaults(func=cmd_decide)

    p = pii_sub.add_parser("accept-all", parents=[WORKSPACE],
                           help="accept every pending finding of a document (of one type)")
    p.add_argument("document", type=int)
    p.add_argument("--type", default=None, help="only this entity type, e.g. PERSON")
    p.set_defaults(func=cmd_accept_all)

    p = pii_sub.add_parser("add", parents=[WORKSPACE], help="mark PII the detector missed (accepted at once)")
    p.add_argument("document", type=int)
    p.add_argument("type", help="entity type, e.g. PERSON or CUSTOMER_ID")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--text", help="mark every occurrence of this text")
    where.add_argument("--at", nargs=2, type=int, metavar=("START", "END"), help="character offsets")
    p.set_defaults(func=cmd_add)

    p = pii_sub.add_parser("redact", parents=[WORKSPACE],
                           help="apply the accepted findings and clear documents for examples")
    p.add_argument("documents", nargs="*", type=int,
                   help="document ids (default: every scanned one; those still under review are skipped)")
    p.set_defaults(func=cmd_redact)

    p = pii_sub.add_parser("policy", parents=[WORKSPACE, JSON],
                           help="show or change what happens to each kind of personal data "
                                "(redact / review / ignore)")
    p.add_argument("--set", action="append", metavar="TYPE=ACTION",
                   help="e.g. COUNTRY_OR_REGION=redact or DATE_TIME=ignore (repeatable; audited)")
    p.set_defaults(func=cmd_policy)

    p = pii_sub.add_parser("keep-originals", parents=[WORKSPACE],
                           help="show, or (admins) change, whether cleared documents keep "
                                "their original text")
    p.add_argument("state", nargs="?", choices=("on", "off"))
    add_signature_args(p)
    p.set_defaults(func=cmd_keep_originals)
