"""`airlock audit verify|show|keygen|seal`: read and check the hash-chained log, sign its head."""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.cli.common import EXIT_CHECK_FAILED, open_workspace
from engine.cli.options import JSON, WORKSPACE
from engine.cli.table import Column, print_json, print_table
from engine.errors import AirlockError


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from engine import audit_seals

    with open_workspace(args) as ws:
        report = ws.audit.verify()
        seals = audit_seals.verify_all(ws)
        given = (audit_seals.verify_text(ws, Path(args.seal).read_text(encoding="utf-8"), args.seal)
                 if args.seal else None)
    print(report.describe())
    for result in seals:
        print(f"  stored {result.describe()}")
    if given is not None:
        print(f"  {args.seal}: {given.describe()}")
    ok = report.ok and all(r.ok for r in seals) and (given is None or given.ok)
    return 0 if ok else EXIT_CHECK_FAILED


def _passphrase(args: argparse.Namespace, confirm: bool = False) -> str:
    if args.passphrase_file:
        return str(Path(args.passphrase_file).read_text(encoding="utf-8").rstrip("\n"))
    import getpass

    first = getpass.getpass("passphrase for your signing key: ")
    if confirm and getpass.getpass("again: ") != first:
        raise AirlockError("the two passphrases differ; nothing was created")
    return first


def cmd_audit_keygen(args: argparse.Namespace) -> int:
    from engine.audit_seals import create_key, key_path
    from engine.identity import current_os_user

    user = current_os_user()
    public = create_key(user, _passphrase(args, confirm=True))
    print(f"signing key for {user} written to {key_path(user)} (encrypted with your passphrase)")
    print(f"public key: {public}")
    return 0


def cmd_audit_seal(args: argparse.Namespace) -> int:
    from engine.audit_seals import seal

    with open_workspace(args) as ws:
        made = seal(ws, _passphrase(args))
    if args.out:
        Path(args.out).write_text(made.text(), encoding="utf-8")
        print(f"seal written to {args.out}; keep it outside the workspace (USB stick, printout)")
    print(made.text(), end="")
    return 0


SHOW_COLUMNS = (Column("seq", 6, right=True), Column("when", 20), Column("os_user", 10), Column("role", 8),
                Column("action", 28), Column("subject", 28), Column("in_words"))


def cmd_audit_show(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        entries = ws.audit.entries(action=args.action, subject=args.subject, os_user=args.user,
                                   limit=args.limit, newest_first=not args.oldest_first)
    if args.json:
        print_json([e.__dict__ for e in entries])
        return 0
    from engine.audit_text import readable_lines

    rows = []
    for e in entries:
        details = " · ".join(readable_lines(e))
        words = details if len(details) <= 120 else details[:117] + "..."
        rows.append({**e.__dict__, "when": e.ts[:19], "in_words": words})
    print_table(rows, SHOW_COLUMNS)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser("audit", help="read and verify the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    p = audit_sub.add_parser("verify", parents=[WORKSPACE],
                             help="check the hash chain, this account's anchor outside the workspace "
                                  "and every stored seal; non-zero exit names the first bad event")
    p.add_argument("--seal", default=None, help="also check this seal file (kept outside the workspace)")
    p.set_defaults(func=cmd_audit_verify)
    p = audit_sub.add_parser("keygen", parents=[WORKSPACE],  # the key is the OS account's, in no workspace
                             help="make your Ed25519 signing key (auditors), encrypted with a passphrase")
    p.add_argument("--passphrase-file", default=None, help="read the passphrase from this file instead of asking")
    p.set_defaults(func=cmd_audit_keygen)
    p = audit_sub.add_parser("seal", parents=[WORKSPACE],
                             help="sign the log's current head with your key (auditors only)")
    p.add_argument("--out", default=None, help="also write the seal to this file")
    p.add_argument("--passphrase-file", default=None, help="read the passphrase from this file instead of asking")
    p.set_defaults(func=cmd_audit_seal)
    p = audit_sub.add_parser("show", parents=[WORKSPACE, JSON],
                             help="list events, newest first, details in words (--json: raw)")
    p.add_argument("--action", default=None, help="action prefix, e.g. training.")
    p.add_argument("--subject", default=None)
    p.add_argument("--user", default=None)
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--oldest-first", action="store_true")
    p.set_defaults(func=cmd_audit_show)
