"""`airlock dataset freeze|check|diff|list|rejections` and `airlock task create|list`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli.common import EXIT_CHECK_FAILED, open_workspace
from engine.cli.options import JSON, QUIET, WORKSPACE
from engine.cli.progress import ConsoleProgress
from engine.cli.signing import add_signature_args, signature_from
from engine.cli.table import Column, print_json, print_rows, print_table
from engine.signatures import signing


def cmd_freeze(args: argparse.Namespace) -> int:
    from engine.datasets.freeze import SplitPlan
    from engine.jobs import JobContext

    plan = SplitPlan(seed=args.seed, eval_fraction=args.eval_share, test_fraction=args.test_share,
                     min_answer_chars=args.min_answer_chars, max_answer_chars=args.max_answer_chars,
                     token_lengths=not args.no_tokens, keep_splits=not args.resplit)
    with open_workspace(args) as ws, signing(signature_from(args, "freezing this version for training")):
        version = ws.datasets.freeze(args.task, args.name, plan, JobContext(progress=ConsoleProgress(args.quiet)))
    if args.json:
        print_json(version.__dict__)
        return 0
    stats = version.stats
    splits = ", ".join(f"{k} {v}" for k, v in stats["splits"].items())
    print(f"dataset version {version.id} {version.name!r}: {stats['total']} examples ({splits}); "
          f"{version.rejections} rejected; content hash {version.content_hash[:16]}")
    print(f"kept in the split an earlier version gave them: {stats.get('kept_in_place', 0)}"
          + ("" if version.stats["plan"].get("keep_splits", True) else " (every split re-drawn: --resplit)"))
    print(f"near-duplicates flagged: {stats['near_duplicates']['count']}; "
          f"near twins of golden/OOD examples left out: {stats['leakage']['prevented']}")
    balance = stats.get("class_balance")
    if balance and balance.get("severe"):
        print(f"warning: severe class imbalance ({balance['ratio']}x): {balance['counts']}")
    tokens = stats["token_lengths"]
    if tokens.get("available"):
        print(f"tokens ({tokens['model']}): min {tokens['min']}, median {tokens['p50']}, "
              f"p95 {tokens['p95']}, max {tokens['max']}")
    print(f"see the rejections with `airlock dataset rejections {version.id}`", file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        report = ws.datasets.readiness(args.version)
    if args.json:
        print_json(report.as_dict())
    else:
        for check in report.checks:
            print(f"[{check.level.upper():6}] {check.name}: {check.message}")
        print("ready to train" if report.ready else "NOT ready to train")
    return 0 if report.ready else EXIT_CHECK_FAILED


def cmd_minimum(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        if args.examples is not None:
            ws.datasets.set_minimum_examples(args.examples)
        n = ws.datasets.minimum_examples()
    print(f"readiness refuses versions with fewer than {n:,} examples")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        diff = ws.datasets.diff(args.a, args.b)
    if args.json:
        print_json(diff.as_dict())
        return 0
    print(f"version {args.a} -> {args.b}: {len(diff.added)} added, {len(diff.removed)} removed, "
          f"{len(diff.changed)} changed, {len(diff.moved)} moved between splits, {diff.unchanged} unchanged")
    for label, ids in (("added", diff.added), ("removed", diff.removed), ("changed", diff.changed)):
        if ids:
            print(f"  {label}: examples {', '.join(map(str, ids[:50]))}{' ...' if len(ids) > 50 else ''}")
    directions: dict[str, int] = {}
    for move in diff.moved:
        key = f"{move.from_split} -> {move.to_split}"
        directions[key] = directions.get(key, 0) + 1
    if directions:
        print("  split moves: " + ", ".join(f"{k}: {n}" for k, n in sorted(directions.items())))
    for move in diff.moved[:50]:
        print(f"  moved: example {move.example_id} {move.from_split} -> {move.to_split}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        rows = [{"id": v.id, "name": v.name, "task_id": v.task_id, "examples": v.stats.get("total"),
                 "rejections": v.rejections, "content_hash": v.content_hash} for v in ws.datasets.versions(args.task)]
    print_rows(args, rows, (Column("id"), Column("name"), Column("task_id", fmt="task {}"),
                            Column("examples", fmt="{} examples"), Column("rejections", fmt="{} rejected"),
                            Column("content_hash", 16, clip=True)), sep="\t")
    return 0


def cmd_rejections(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        rows = [{"example_id": r.example_id, "reason": r.reason} for r in ws.datasets.rejections(args.version)]
    print_rows(args, rows, (Column("example_id", fmt="example {}:"), Column("reason")))
    return 0


def cmd_task_create(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        task = ws.tasks.create_from_file(Path(args.file))
    print(f"task {task.id} {task.name!r} ({task.kind}) created")
    return 0


def cmd_task_list(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        tasks = ws.tasks.all()
    if args.json:
        print_json([{"id": t.id, "name": t.name, "kind": t.kind, "labels": t.labels} for t in tasks])
        return 0
    print_table([{"id": t.id, "name": t.name, "kind": t.kind + (f" labels: {', '.join(t.labels)}" if t.labels else "")}
                 for t in tasks], (Column("id"), Column("name"), Column("kind")), sep="\t")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    task = sub.add_parser("task", help="tasks: create from a JSON file, list")
    task_sub = task.add_subparsers(dest="task_command", required=True)
    p = task_sub.add_parser("create", parents=[WORKSPACE],
                            help="create a task from a JSON file (name, kind, labels or schema, "
                                 "system_prompt, user_template with {input})")
    p.add_argument("file")
    p.set_defaults(func=cmd_task_create)
    p = task_sub.add_parser("list", parents=[WORKSPACE, JSON], help="the workspace's tasks")
    p.set_defaults(func=cmd_task_list)

    ds = sub.add_parser("dataset", help="freeze, check and compare dataset versions")
    ds_sub = ds.add_subparsers(dest="dataset_command", required=True)
    p = ds_sub.add_parser("freeze", parents=[WORKSPACE, JSON, QUIET],
                          help="validate, de-duplicate and split a task's examples into a new version")
    p.add_argument("--task", type=int, required=True, help="task id")
    p.add_argument("--name", required=True)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--eval-share", type=float, default=0.1)
    p.add_argument("--test-share", type=float, default=0.2)
    p.add_argument("--min-answer-chars", type=int, default=1)
    p.add_argument("--max-answer-chars", type=int, default=20000)
    p.add_argument("--no-tokens", action="store_true", help="skip counting tokens with the base model's tokenizer")
    p.add_argument("--resplit", action="store_true",
                   help="re-draw every split instead of keeping examples where earlier versions put them "
                        "(test sets then stop being comparable with earlier models)")
    add_signature_args(p)
    p.set_defaults(func=cmd_freeze)
    p = ds_sub.add_parser("check", parents=[WORKSPACE, JSON],
                          help="readiness report; exit 1 when the version is not ready to train on")
    p.add_argument("version", type=int)
    p.set_defaults(func=cmd_check)
    p = ds_sub.add_parser("minimum", parents=[WORKSPACE],
                          help="show (or set) the fewest examples a version needs to be ready to train")
    p.add_argument("examples", type=int, nargs="?", help="the new minimum (the change is audited)")
    p.set_defaults(func=cmd_minimum)
    p = ds_sub.add_parser("diff", parents=[WORKSPACE, JSON],
                          help="examples added, removed, changed and moved between two versions")
    p.add_argument("a", type=int)
    p.add_argument("b", type=int)
    p.set_defaults(func=cmd_diff)
    p = ds_sub.add_parser("list", parents=[WORKSPACE, JSON], help="dataset versions")
    p.add_argument("--task", type=int, default=None)
    p.set_defaults(func=cmd_list)
    p = ds_sub.add_parser("rejections", parents=[WORKSPACE, JSON],
                          help="every example a version left out, with the reason")
    p.add_argument("version", type=int)
    p.set_defaults(func=cmd_rejections)
