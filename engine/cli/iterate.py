"""`airlock iterate --task ID`: the next iteration in one flow (new version with stable splits ->
training with the last run's settings -> export -> calibration -> evaluation against the promoted
model on the same splits -> gate -> promotion when green). Signed with --meaning and --reason (the
freeze and the promotion). Ctrl+C cancels at the next safe point."""

from __future__ import annotations

import argparse

from engine.cli.common import EXIT_CHECK_FAILED, open_workspace
from engine.cli.options import JSON, QUIET, WORKSPACE
from engine.cli.progress import ConsoleProgress
from engine.cli.signing import add_signature_args, signature_from
from engine.cli.table import print_json


def cmd_iterate(args: argparse.Namespace) -> int:
    from engine.iteration import IterationPlan, iterate
    from engine.jobs import JobContext

    plan = IterationPlan(version_name=args.name, max_steps=args.max_steps, quantization=args.quantization,
                         calibrate=not args.no_calibrate,
                         signature=signature_from(args, "this iteration (freezing a version and, when the "
                                                  "gate is green, promoting its model)"))
    with open_workspace(args) as ws:
        result = iterate(ws, args.task, plan, JobContext(progress=ConsoleProgress(args.quiet)))
    if args.json:
        print_json(result.as_dict())
    else:
        for line in result.log:
            print(f"- {line}")
        print(f"dataset version {result.version_id}, training run {result.run_id}, model artifact "
              f"{result.artifact_id}")
        for split, runs in result.evaluations.items():
            print(f"evaluated on {split}: " + ", ".join(f"{role} run {rid}" for role, rid in runs.items()))
        for line in result.gate_checks:
            print(f"  {line}")
        for reason in result.gate_reasons:
            print(f"  red: {reason}")
        print(f"artifact {result.artifact_id} promoted" if result.promoted else
              f"not promoted: the gate is red; `airlock promote {result.artifact_id} --override REASON` to go "
              "ahead anyway")
    return 0 if result.promoted else EXIT_CHECK_FAILED


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("iterate", parents=[WORKSPACE, JSON, QUIET],
                       help="next iteration: new version, train with the last settings, export, "
                            "evaluate against the promoted model, gate, promote")
    p.add_argument("--task", type=int, required=True, help="task id")
    p.add_argument("--name", default=None, help="name of the new dataset version (default v<N>)")
    p.add_argument("--max-steps", type=int, default=None, help="override the last run's step limit")
    p.add_argument("--quantization", default=None, help="default: the promoted model's, else Q8_0")
    p.add_argument("--no-calibrate", action="store_true", help="skip fitting the confidence calibration")
    add_signature_args(p)
    p.set_defaults(func=cmd_iterate)
