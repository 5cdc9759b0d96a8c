"""`airlock members add|list|set-role|remove`: who may do what in the workspace (admins change it)."""

from __future__ import annotations

import argparse

from engine.cli.common import open_workspace
from engine.cli.options import JSON, WORKSPACE
from engine.cli.table import Column, print_json, print_table
from engine.identity import ROLES


def cmd_list(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        members = ws.membership.list()
        me = ws.identity.os_user
    if args.json:
        print_json([m.__dict__ for m in members])
        return 0
    print_table([{**m.__dict__, "you": "(you)" if m.os_user == me else ""} for m in members],
                (Column("os_user", 24), Column("role", 9), Column("added_at", fmt="added {}"), Column("you")))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        ws.membership.add(args.name, args.role)
    print(f"{args.name} is now a member ({args.role})")
    return 0


def cmd_set_role(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        ws.membership.set_role(args.name, args.role)
    print(f"{args.name} is now {args.role}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        ws.membership.remove(args.name)
    print(f"{args.name} is no longer a member")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    members = sub.add_parser("members", help="list members; add, change or remove them (admins only)",
                             description="Roles: admin (members, settings, keep-originals, and all expert work); "
                                         "expert (documents, PII, tasks, labelling, datasets, training, export, "
                                         "evaluation, promotion); operator (console, batches, review queue); "
                                         "auditor (reads, verifies, exports reports, signs seals; changes nothing).")
    msub = members.add_subparsers(dest="members_command", required=True)
    p = msub.add_parser("list", parents=[WORKSPACE, JSON], help="every member and their role")
    p.set_defaults(func=cmd_list)
    p = msub.add_parser("add", parents=[WORKSPACE], help="add an OS account with a role")
    p.add_argument("name", help="the OS account name (as `whoami` prints it)")
    p.add_argument("--role", required=True, choices=ROLES)
    p.set_defaults(func=cmd_add)
    p = msub.add_parser("set-role", parents=[WORKSPACE], help="change a member's role")
    p.add_argument("name")
    p.add_argument("role", choices=ROLES)
    p.set_defaults(func=cmd_set_role)
    p = msub.add_parser("remove", parents=[WORKSPACE], help="remove a member (the last admin cannot be removed)")
    p.add_argument("name")
    p.set_defaults(func=cmd_remove)
