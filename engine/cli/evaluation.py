"""`airlock eval run|compare|report|predictions|review|settings` and `airlock promote` (which applies the gate)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from engine.cli.common import EXIT_CHECK_FAILED, open_workspace
from engine.cli.options import JSON, QUIET, WORKSPACE
from engine.cli.progress import ConsoleProgress
from engine.cli.signing import add_signature_args, signature_from
from engine.cli.table import Column, print_json, print_rows, print_table
from engine.errors import AirlockError
from engine.signatures import signing


def cmd_eval_run(args: argparse.Namespace) -> int:
    from engine.jobs import JobContext

    with open_workspace(args) as ws:
        model = ws.evaluation.model(args.model, args.version)
        info = ws.evaluation.run(model, args.version, args.split, shots=args.shots, seed=args.seed,
                                 ctx=JobContext(progress=ConsoleProgress(args.quiet)))
    m = info.metrics
    print(f"run {info.id}: {info.model_label} on {info.split} ({info.prompt_mode}): "
          f"{m.get('quality_metric', 'quality')} {m.get('quality', 0.0):.3f}, "
          f"p95 {m.get('latency_p95_ms', 0.0):.0f} ms, {m.get('tokens_per_second', 0.0):.0f} tok/s")
    return 0


def cmd_eval_compare(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        cmp = ws.evaluation.compare(args.runs)
    if args.json:
        print_json(cmp.as_dict())
        return 0
    columns = (Column("approach", 46, clip=True, title="approach"),
               Column("quality", 7, right=True, fmt="{:.3f}", title="quality"),
               Column("p95_latency_ms", 7, right=True, fmt="{:.0f}", title="p95 ms"),
               Column("cost_per_month", 15, right=True, fmt="{:.2f}", title=f"cost/month {cmp.currency}"))
    print_table(cmp.table(), columns, sep=" | ", header=True)
    for p in cmp.pairs:
        print(f"run {p.b} vs run {p.a}: {p.difference.describe()}")
    for line in cmp.leakage:
        print(f"warning: {line}")
    return 0


def cmd_eval_calibrate(args: argparse.Namespace) -> int:
    from engine.jobs import JobContext

    with open_workspace(args) as ws:
        cal = ws.evaluation.calibrate(args.artifact, args.version, args.method,
                                      JobContext(progress=ConsoleProgress(args.quiet)))
    f = cal.fitted_on
    print(f"artifact {args.artifact} calibrated with {cal.method} on {f['n']} eval answers "
          f"(accuracy {f['accuracy']:.1%}): ECE {f['ece_before']:.3f} -> {f['ece_after']:.3f}")
    print("console confidences of this model are now expected accuracies; the review threshold is one too")
    return 0


def cmd_eval_gate(args: argparse.Namespace) -> int:
    """The gate's verdict for an artifact, without promoting it; exit 1 when red."""
    with open_workspace(args) as ws:
        result = ws.evaluation.gate(args.artifact)
    if args.json:
        print_json(asdict(result))
        return 0 if result.passed else EXIT_CHECK_FAILED
    print(f"gate for artifact {args.artifact}: {'green' if result.passed else 'red'} "
          f"(decided on the {result.rule}{' of the bootstrap interval' if result.rule == 'interval' else ' estimate'})")
    for line in result.checks:
        print(f"  {line}")
    for reason in result.reasons:
        print(f"  red: {reason}")
    return 0 if result.passed else EXIT_CHECK_FAILED


def cmd_eval_report(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        out = ws.evaluation.report(args.runs, args.out)
    print(out)
    if args.pdf:
        pdf = out.with_suffix(".pdf")
        done = subprocess.run([sys.executable, "-m", "desktop.report_pdf", str(out), str(pdf)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise AirlockError(f"could not make the PDF: {done.stderr.strip() or done.stdout.strip()}")
        print(pdf)
    return 0


def cmd_eval_settings(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        if args.set:
            pairs = dict(item.split("=", 1) if "=" in item else (item, "") for item in args.set)
            ws.evaluation.set_settings(pairs)
        rows = [{"key": key, "value": value or None, "meaning": meaning}
                for key, value, meaning in ws.evaluation.settings()]
    print_rows(args, rows, (Column("key", 34), Column("value", 12), Column("meaning")))
    return 0


def cmd_eval_list(args: argparse.Namespace) -> int:
    """A run's stored predictions (never re-run), filtered like the Review tab."""
    cell = (args.cell[0], args.cell[1]) if args.cell else None
    with open_workspace(args) as ws:
        rows = ws.evaluation.predictions(args.run, errors_only=args.errors, other_run_id=args.other,
                                         disagreements_only=args.disagreements, cell=cell)
    if args.json:
        print_json([r._asdict() for r in rows])
        return 0
    for r in rows:
        mark = "ok " if r.correct else "ERR"
        other = f" | other: {r.other_output}" if args.other is not None else ""
        verdict = f" | {r.review}" + (f": {r.review_note}" if r.review_note else "") if r.review else ""
        print(f"{r.id:>7} {mark} example {r.example_id}: reference {r.reference!r} | output {r.output!r}"
              f"{other}{verdict}")
    print(f"{len(rows)} prediction(s)")
    return 0


def cmd_eval_review(args: argparse.Namespace) -> int:
    from engine.evaluation.review import MODEL_WRONG, REFERENCE_WRONG

    verdict = {"model-wrong": MODEL_WRONG, "reference-wrong": REFERENCE_WRONG, "clear": None}[args.verdict]
    with open_workspace(args) as ws:
        ws.evaluation.review(args.prediction, verdict, args.note)
    if verdict == REFERENCE_WRONG:
        print(f"prediction {args.prediction}: reference wrong; the example is flagged for labelling with the note")
    else:
        print(f"prediction {args.prediction}: {verdict or 'verdict cleared'}")
    return 0


def cmd_promote(args: argparse.Namespace) -> int:
    from engine.evaluation.gate import GateRefused

    with open_workspace(args) as ws:
        try:
            with signing(signature_from(args, "promoting this model")):
                result = ws.evaluation.promote(args.artifact, args.override)
        except GateRefused as refused:
            print("gate: red", file=sys.stderr)
            for reason in refused.gate.reasons:
                print(f"  - {reason}", file=sys.stderr)
            print("not promoted; give --override REASON to promote anyway (recorded in the audit log)",
                  file=sys.stderr)
            return EXIT_CHECK_FAILED
    for line in result.checks:
        print(f"  {line}")
    state = "green" if result.passed else f"red, overridden: {args.override}"
    print(f"artifact {args.artifact} promoted (gate {state})")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ev = sub.add_parser("eval", help="evaluate models on frozen splits, compare them, export reports")
    ev_sub = ev.add_subparsers(dest="eval_command", required=True)

    run = ev_sub.add_parser("run", parents=[WORKSPACE, QUIET],
                            help="evaluate one model on one split of a dataset version")
    run.add_argument("--model", required=True, help="'base' or a model artifact id")
    run.add_argument("--version", type=int, required=True, help="dataset version id")
    run.add_argument("--split", choices=("test", "golden", "ood"), default="test")
    run.add_argument("--shots", type=int, default=0, help="few-shot examples drawn from train (0: zero-shot)")
    run.add_argument("--seed", type=int, default=0, help="seed for drawing the few-shot examples")
    run.set_defaults(func=cmd_eval_run)

    cmp = ev_sub.add_parser("compare", parents=[WORKSPACE, JSON],
                            help="compare runs on the same split, with bootstrap intervals")
    cmp.add_argument("runs", type=int, nargs="+", metavar="RUN")
    cmp.set_defaults(func=cmd_eval_compare)

    rep = ev_sub.add_parser("report", parents=[WORKSPACE], help="write the HTML (and PDF) evaluation report")
    rep.add_argument("runs", type=int, nargs="+", metavar="RUN")
    rep.add_argument("--out", type=Path, required=True, help="HTML file to write")
    rep.add_argument("--pdf", action="store_true", help="also write a PDF beside it (through Qt)")
    rep.set_defaults(func=cmd_eval_report)

    ls = ev_sub.add_parser("predictions", parents=[WORKSPACE, JSON],
                           help="list a run's stored predictions (errors, disagreements, a cell)")
    ls.add_argument("run", type=int, metavar="RUN")
    ls.add_argument("--errors", action="store_true", help="only the wrong answers")
    ls.add_argument("--other", type=int, default=None, metavar="RUN", help="show another run's answers beside")
    ls.add_argument("--disagreements", action="store_true", help="only where --other answered differently")
    ls.add_argument("--cell", nargs=2, metavar=("REFERENCE", "PREDICTED"), help="one confusion-matrix cell")
    ls.set_defaults(func=cmd_eval_list)

    rv = ev_sub.add_parser("review", parents=[WORKSPACE],
                           help="mark a prediction 'model wrong' or 'reference wrong' (back to labelling)")
    rv.add_argument("prediction", type=int, metavar="PREDICTION")
    rv.add_argument("verdict", choices=("model-wrong", "reference-wrong", "clear"))
    rv.add_argument("--note", default="", help="what is wrong (required for reference-wrong: labelling sees it)")
    rv.set_defaults(func=cmd_eval_review)

    st = ev_sub.add_parser("settings", parents=[WORKSPACE, JSON],
                           help="show or set hardware cost, cloud alternative and gate settings")
    st.add_argument("set", nargs="*", metavar="KEY=VALUE", help="e.g. cost.power_watts=90 cloud.cost_per_1k=1.2")
    st.set_defaults(func=cmd_eval_settings)

    cal = ev_sub.add_parser("calibrate", parents=[WORKSPACE, QUIET],
                            help="fit a model artifact's confidence calibration on the eval split")
    cal.add_argument("artifact", type=int)
    cal.add_argument("--version", type=int, required=True, help="dataset version whose eval split to fit on")
    cal.add_argument("--method", choices=("temperature", "platt", "isotonic"), default=None,
                     help="default: the workspace setting evaluation.calibration_method")
    cal.set_defaults(func=cmd_eval_calibrate)
    gt = ev_sub.add_parser("gate", parents=[WORKSPACE, JSON],
                           help="the regression gate's verdict for a model artifact (exit 1 when red)")
    gt.add_argument("artifact", type=int)
    gt.set_defaults(func=cmd_eval_gate)
    promote = sub.add_parser("promote", parents=[WORKSPACE],
                             help="promote a model artifact to the console (applies the gate)")
    promote.add_argument("artifact", type=int, metavar="ARTIFACT")
    promote.add_argument("--override", metavar="REASON", default=None,
                         help="promote even when the gate is red; the reason is recorded in the audit log")
    add_signature_args(promote)
    promote.set_defaults(func=cmd_promote)
