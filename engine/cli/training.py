"""`airlock train start|estimate|status|show|cancel|resume|logs`: runs in their own worker process."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from engine.cli.common import EXIT_CHECK_FAILED, EXIT_USER_ERROR, open_workspace
from engine.cli.options import JSON, QUIET, WORKSPACE
from engine.cli.progress import ConsoleProgress
from engine.cli.table import print_json
from engine.errors import AirlockError

DETACHED_NOTE = ("detached: the run keeps going after this command ends; follow it with `airlock train status "
                 "{run}`, stop it with `airlock train cancel {run}`")
ATTACHED_NOTE = ("the run stops (keeping a checkpoint) if this command is interrupted or killed; --detach to let "
                 "it go on")


def _run_line(run: object) -> str:
    from engine.training.service import RunInfo

    assert isinstance(run, RunInfo)
    loss = run.final_metrics.get("final_loss")
    extra = f", final loss {loss:.4f}" if loss is not None else ""
    why = f": {run.error}" if run.error else ""
    alone = f"; detached: runs on its own, worker pid {run.worker.pid}" if run.detached and run.worker else ""
    return f"run {run.id}: {run.status} (backend {run.backend or '-'}{extra}{alone}){why}"


def parse_settings(args: argparse.Namespace, parameters: int | None, context_length: int | None) -> object:
    """The configuration from --preset (default: the preset for the model's size), then --config
    JSON, then --set KEY=VALUE (VALUE read as JSON when it parses, else as text), then --max-steps."""
    from engine.training.config import TrainingConfig
    from engine.training.presets import config_for, preset_by_key, preset_for

    try:
        preset = preset_by_key(args.preset) if args.preset else preset_for(parameters)
    except KeyError:
        raise AirlockError(f"unknown preset {args.preset!r}: tiny, small, medium or large") from None
    values = config_for(preset, context_length=context_length).to_dict()
    if args.config:
        values.update(json.loads(Path(args.config).read_text()))
    for item in args.set or []:
        key, sep, raw = item.partition("=")
        if not sep:
            raise AirlockError(f"--set takes KEY=VALUE, not {item!r}")
        try:
            values[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            values[key.strip()] = raw
    if args.max_steps is not None:
        values["max_steps"] = args.max_steps
    return TrainingConfig.from_dict(values)


def _setup(args: argparse.Namespace, ws: object) -> tuple[int, object]:
    from engine.training.config import TrainingConfig
    from engine.workspace import Workspace

    assert isinstance(ws, Workspace)
    base = ws.models.base(args.base) if args.base is not None else ws.models.ensure_demo_model()
    config = parse_settings(args, base.parameters, base.context_length)
    assert isinstance(config, TrainingConfig)
    return base.id, config


def cmd_train_estimate(args: argparse.Namespace) -> int:
    from engine.training.config import TrainingConfig

    with open_workspace(args) as ws:
        base_id, config = _setup(args, ws)
        assert isinstance(config, TrainingConfig)
        guess = ws.training.estimate(args.version, base_id, config)
    print(f"hardware: {guess.hardware.describe()}")
    print(guess.summary())
    if guess.warning:
        print(f"warning: {guess.warning}")
    return 0 if guess.fits else EXIT_CHECK_FAILED


def cmd_train_start(args: argparse.Namespace) -> int:
    from engine.jobs import JobContext
    from engine.training.config import TrainingConfig

    with open_workspace(args) as ws:
        base_id, config = _setup(args, ws)
        assert isinstance(config, TrainingConfig)
        report = ws.datasets.readiness(args.version)
        refusals = report.refusals
        if refusals:
            refused = "; ".join(refusals)
            if not args.anyway:
                print(f"error: {report.version_name} is not ready to train on: {refused}. Fix the data and freeze "
                      "a new version, or add --anyway.", file=sys.stderr)
                return EXIT_USER_ERROR
            print(f"warning: training on {report.version_name} although it is not ready: {refused}", file=sys.stderr)
        run = ws.training.create(args.version, base_id, config, overridden=refusals)
        if run.estimate and not run.estimate.get("fits", True):
            print(f"warning: {run.estimate['summary']}: it may not fit in memory", file=sys.stderr)
        detach = args.detach or not args.wait  # nothing follows it: it must outlive this command
        pid = ws.training.start(run.id, detach=detach)
        print(f"run {run.id} started (worker pid {pid}); folder {run.run_dir}", file=sys.stderr)
        print(DETACHED_NOTE.format(run=run.id) if detach else ATTACHED_NOTE, file=sys.stderr)
        if not args.wait:
            print(run.id)
            return 0
        final = ws.training.wait(run.id, JobContext(progress=ConsoleProgress(args.quiet)))
        print(_run_line(final))
        return 0 if final.status == "succeeded" else EXIT_CHECK_FAILED


def cmd_train_show(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        ws.training.check_alive(args.run)
        record = ws.training.provenance(args.run)
    print_json(record)
    return 0


def cmd_train_status(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        runs = [ws.training.check_alive(args.run)] if args.run else [
            ws.training.check_alive(r.id) for r in ws.training.runs()]
    if args.json:
        print_json([{**asdict(run), "detached": run.detached} for run in runs])
        return 0
    for run in runs:
        print(_run_line(run))
    return 0


def cmd_train_cancel(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        run = ws.training.check_alive(args.run)
        if run.status != "running" and run.status != "queued":
            raise AirlockError(f"run {args.run} is {run.status}; nothing to cancel")
        ws.training.cancel(args.run)
    print(f"run {args.run}: cancel requested; it stops at the next step and keeps a checkpoint")
    return 0


def cmd_train_resume(args: argparse.Namespace) -> int:
    from engine.jobs import JobContext

    with open_workspace(args) as ws:
        detach = args.detach or not args.wait
        pid = ws.training.resume(args.run, detach=detach)
        print(f"run {args.run} resumed from its last checkpoint (worker pid {pid})", file=sys.stderr)
        print(DETACHED_NOTE.format(run=args.run) if detach else ATTACHED_NOTE, file=sys.stderr)
        if not args.wait:
            return 0
        final = ws.training.wait(args.run, JobContext(progress=ConsoleProgress(args.quiet)))
        print(_run_line(final))
        return 0 if final.status == "succeeded" else EXIT_CHECK_FAILED


def cmd_train_logs(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        events, _ = ws.training.follow(args.run)
    for ev in events[-args.tail:]:
        print(json.dumps(ev.to_dict()))
    return 0


DETACH_HELP = ("let the run outlive this command (with --wait: Ctrl+C or a kill stops only the following); "
               "without --wait a run is always detached")


def _settings_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--base", type=int, default=None, help="base model id (default: the demo model)")
    p.add_argument("--preset", default=None, help="tiny | small | medium | large (default: by model size)")
    p.add_argument("--config", default=None, help="JSON file with training settings")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="one setting, e.g. --set lora_r=8")
    p.add_argument("--max-steps", type=int, default=None)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    train = sub.add_parser("train", help="fine-tune a base model on a frozen dataset version")
    train_sub = train.add_subparsers(dest="train_command", required=True)
    p = train_sub.add_parser("start", parents=[WORKSPACE, QUIET], help="start a run in its own worker process")
    p.add_argument("--version", type=int, required=True, help="dataset version id")
    _settings_args(p)
    p.add_argument("--wait", action="store_true", help="follow progress until the run ends")
    p.add_argument("--detach", action="store_true", help=DETACH_HELP)
    p.add_argument("--anyway", action="store_true", help="train even when the version's readiness report refuses")
    p.set_defaults(func=cmd_train_start)
    p = train_sub.add_parser("estimate", parents=[WORKSPACE],
                             help="memory and duration of a run on this machine, without starting it")
    p.add_argument("--version", type=int, required=True, help="dataset version id")
    _settings_args(p)
    p.set_defaults(func=cmd_train_estimate)
    p = train_sub.add_parser("show", parents=[WORKSPACE],
                             help="provenance of a run: data, base model, config, backend, versions, files")
    p.add_argument("run", type=int)
    p.set_defaults(func=cmd_train_show)
    p = train_sub.add_parser("status", parents=[WORKSPACE, JSON], help="state of one run or all runs")
    p.add_argument("run", type=int, nargs="?")
    p.set_defaults(func=cmd_train_status)
    p = train_sub.add_parser("cancel", parents=[WORKSPACE], help="stop a run at the next step boundary")
    p.add_argument("run", type=int)
    p.set_defaults(func=cmd_train_cancel)
    p = train_sub.add_parser("resume", parents=[WORKSPACE, QUIET],
                             help="continue a cancelled or failed run from its last checkpoint")
    p.add_argument("run", type=int)
    p.add_argument("--wait", action="store_true")
    p.add_argument("--detach", action="store_true", help=DETACH_HELP)
    p.set_defaults(func=cmd_train_resume)
    p = train_sub.add_parser("logs", parents=[WORKSPACE], help="the run's progress lines")
    p.add_argument("run", type=int)
    p.add_argument("--tail", type=int, default=20)
    p.set_defaults(func=cmd_train_logs)
    from engine.cli.train_compare import add_compare

    add_compare(train_sub)
