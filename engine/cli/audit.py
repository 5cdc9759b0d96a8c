"""`airlock audit verify|show`: read and check the hash-chained log."""

from __future__ import annotations

import argparse
import json

from engine.cli.common import (
    EXIT_CHECK_FAILED,
    open_workspace,
    workspace_arg,
)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        report = ws.audit.verify()
    print(report.describe())
    return 0 if report.ok else EXIT_CHECK_FAILED


def cmd_audit_show(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        entries = ws.audit.entries(action=args.action, subject=args.subject, os_user=args.user,
                                   limit=args.limit, newest_first=not args.oldest_first)
    if args.json:
        print(json.dumps([e.__dict__ for e in entries], indent=2))
        return 0
    for e in entries:
        details = json.dumps(e.details, ensure_ascii=False)
        if len(details) > 120:
            details = details[:117] + "..."
        print(f"{e.seq:>6}  {e.ts[:19]}  {e.os_user:<10} {e.role:<8} {e.action:<28} {e.subject:<28} {details}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser("audit", help="read and verify the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    p = audit_sub.add_parser("verify", help="check the hash chain; non-zero exit names the first bad event")
    workspace_arg(p)
    p.set_defaults(func=cmd_audit_verify)
    p = audit_sub.add_parser("show", help="list events, newest first")
    workspace_arg(p)
    p.add_argument("--action", default=None, help="action prefix, e.g. training.")
    p.add_argument("--subject", default=None)
    p.add_argument("--user", default=None)
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--oldest-first", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit_show)
