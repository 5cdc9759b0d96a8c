"""`airlock train compare RUN RUN...`: training runs side by side (settings that differ, loss and
eval-loss along the way, final metrics, and how their models scored)."""

from __future__ import annotations

import argparse
from typing import Any

from engine.cli.common import open_workspace
from engine.cli.options import JSON, WORKSPACE
from engine.cli.table import Column, cell, print_json, print_table

CURVE_POINTS = (0.0, 0.25, 0.5, 0.75, 1.0)  # where along each run the loss is printed


def _side_by_side(rows: list[tuple[str, list[Any]]], width: int) -> None:
    """A name, then one value per run, right-aligned in columns of the same width as the other blocks."""
    runs = max((len(values) for _name, values in rows), default=0)
    print_table([{"name": name, **{str(i): v for i, v in enumerate(values)}} for name, values in rows],
                (Column("name", 26), *(Column(str(i), width, right=True) for i in range(runs))))


def cmd_train_compare(args: argparse.Namespace) -> int:
    from engine.training.comparison import compare_runs

    with open_workspace(args) as ws:
        cmp = compare_runs(ws, args.runs)
    if args.json:
        print_json(cmp.as_dict())
        return 0
    width = max(14, *(len(cell(v)) for vs in cmp.differences.values() for v in vs))
    _side_by_side([("", [f"run {r.id}" for r in cmp.runs]), ("status", [r.status for r in cmp.runs])], width)
    print("settings that differ:" if cmp.differences else "settings: identical")
    _side_by_side([(f"  {key}", values) for key, values in cmp.differences.items()], width)
    for label, attr in (("loss", "loss"), ("eval loss", "eval_loss")):
        print(f"{label} at 0/25/50/75/100 % of the run:")
        for r in cmp.runs:
            points = [p for p in r.curve if getattr(p, attr) is not None]
            if not points:
                print(f"  run {r.id}: -")
                continue
            picked = [points[min(len(points) - 1, round(f * (len(points) - 1)))] for f in CURVE_POINTS]
            print(f"  run {r.id}: " + "  ".join(f"step {p.step}: {getattr(p, attr):.4f}" for p in picked))
    print("final metrics:")
    keys = list(dict.fromkeys(k for r in cmp.runs for k in r.final_metrics))
    _side_by_side([(f"  {key}", [r.final_metrics.get(key) for r in cmp.runs]) for key in keys], width)
    print("evaluations of their models:")
    for r in cmp.runs:
        if not r.evaluations:
            print(f"  run {r.id}: none")
        for e in r.evaluations:
            quality = "-" if e.quality is None else f"{e.quality:.3f}"
            print(f"  run {r.id}: {e.artifact} on {e.dataset_version}/{e.split}: {e.quality_metric} {quality} "
                  f"(evaluation run {e.evaluation_run_id})")
    return 0


def add_compare(train_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = train_sub.add_parser("compare", parents=[WORKSPACE, JSON],
                             help="training runs side by side: settings, loss curves, final metrics")
    p.add_argument("runs", type=int, nargs="+", metavar="RUN")
    p.set_defaults(func=cmd_train_compare)
