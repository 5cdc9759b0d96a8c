"""`airlock token show|rotate`: the local endpoint's bearer token (shown once when issued, audited)."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from engine.cli.common import open_workspace
from engine.cli.options import JSON, WORKSPACE
from engine.cli.table import print_json


def cmd_show(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        info = ws.console.token.current()
    if args.json:
        print_json(asdict(info) if info is not None else None)
        return 0
    if info is None:
        print("no endpoint token yet: `airlock token rotate` issues one (`airlock serve` does on first start)")
        return 0
    print(f"token {info.name!r} (sha256 {info.fingerprint}…) issued by {info.issued_by} on {info.issued_at[:19]}; "
          "the token itself was shown once and is not stored")
    return 0


def cmd_rotate(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        token = ws.console.token.issue(args.name)
    print(token)
    print(f"new endpoint token {args.name!r}: shown this once; the previous token no longer works. Send it as "
          "'Authorization: Bearer <token>'.", flush=True)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    token = sub.add_parser("token", help="the local endpoint's bearer token: show who has it, or rotate it")
    tsub = token.add_subparsers(dest="token_command", required=True)
    p = tsub.add_parser("show", parents=[WORKSPACE, JSON],
                        help="the current token's name and fingerprint (never the token)")
    p.set_defaults(func=cmd_show)
    p = tsub.add_parser("rotate", parents=[WORKSPACE],
                        help="issue a new token (printed once); the old one stops working")
    p.add_argument("--name", default="default", help="a name for the token; calls are logged under it")
    p.set_defaults(func=cmd_rotate)
