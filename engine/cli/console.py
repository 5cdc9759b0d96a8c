"""`airlock chat|extract|classify|batch|serve|calls|review`: the operators' console, headless."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Generator
from dataclasses import asdict
from pathlib import Path

from engine.cli.common import open_workspace
from engine.cli.options import JSON, QUIET, WORKSPACE
from engine.cli.progress import ConsoleProgress
from engine.cli.table import Column, print_json, print_rows
from engine.errors import AirlockError


def cmd_chat(args: argparse.Namespace) -> int:
    """Interactive: one user turn per line on stdin, the answer streamed to stdout; an empty line or
    end of input ends the conversation, Ctrl-C stops the current answer."""
    from engine.console.chat import ChatSession
    from engine.inference.process import InferenceCrashed

    with open_workspace(args) as ws:
        session = ChatSession.open(ws, args.model, args.system)
        session.max_tokens = args.max_tokens
        interactive = sys.stdin.isatty()
        print(f"chatting with {session.model.artifact.name}; an empty line ends", file=sys.stderr)
        while True:
            if interactive:
                print("> ", end="", file=sys.stderr, flush=True)
            line = sys.stdin.readline()
            if not line.strip():
                break
            pieces: Generator[str, None, None] = session.send(line.rstrip("\n"))
            try:
                for piece in pieces:
                    sys.stdout.write(piece)
                    sys.stdout.flush()
            except KeyboardInterrupt:
                session.stop()
                pieces.close()
            except InferenceCrashed as exc:  # the conversation goes on: the next turn restarts the runtime
                print(f"\nairlock: {exc}", file=sys.stderr, flush=True)
            print(flush=True)
    return 0


def _read_input(path: str) -> tuple[str, str]:
    if path == "-":
        return "stdin", sys.stdin.read()
    from engine.console.batch import inputs_from

    items = inputs_from([Path(path)])
    if len(items) != 1:
        raise AirlockError(f"{path} holds {len(items)} documents; use `airlock batch` for several")
    return items[0].source, items[0].text


def cmd_extract(args: argparse.Namespace) -> int:
    from engine.console import extract_text

    if args.cascade:
        return cmd_cascade(args)
    results = []
    with open_workspace(args) as ws:
        for f in args.files:
            source, text = _read_input(f)
            ans = extract_text(ws, args.model, text, task_id=args.task, threshold=args.threshold)
            results.append({"source": source, "answer": ans.value, "confidence": round(ans.confidence, 4),
                            "fields": {k: round(v, 4) for k, v in ans.fields.items()}, "flagged": ans.flagged,
                            "latency_ms": round(ans.latency_ms, 1), "call_id": ans.call_id})
    for r in results:
        if args.json:
            print(json.dumps(r, ensure_ascii=False))
        else:
            flag = "  FLAGGED for review" if r["flagged"] else ""
            print(f"{r['source']}: {json.dumps(r['answer'], ensure_ascii=False)}  "
                  f"(confidence {r['confidence']:.2f}){flag}")
    return 0


def cmd_cascade(args: argparse.Namespace) -> int:
    """classify/extract --cascade: unsure answers are asked again of the fallback model."""
    from engine.console.cascade import cascade_classify, cascade_extract, describe

    ask = cascade_classify if args.func is cmd_classify else cascade_extract
    with open_workspace(args) as ws:
        for f in args.files:
            source, text = _read_input(f)
            ans = ask(ws, args.model, text, task_id=args.task, threshold=args.threshold)
            if args.json:
                print(json.dumps({"source": source, **describe(ans)}, ensure_ascii=False))
                continue
            how = (f"asked again of the fallback (the model said {ans.small_output} at "
                   f"{ans.small_confidence:.2f})" if ans.escalated else "answered by the model")
            flag = "  FLAGGED for review" if ans.flagged else ""
            print(f"{source}: {ans.output}  (confidence {ans.confidence:.2f}; {how}){flag}")
    return 0


def cmd_fallback(args: argparse.Namespace) -> int:
    from engine.console.cascade import fallback_path, set_fallback

    with open_workspace(args) as ws:
        if args.clear or args.path is not None:
            set_fallback(ws, None if args.clear else Path(args.path))
        path = fallback_path(ws)
    print(f"fallback model: {path}" if path else "no fallback model: unsure answers go straight to review")
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    from engine.console import classify_text

    if args.cascade:
        return cmd_cascade(args)
    with open_workspace(args) as ws:
        for f in args.files:
            source, text = _read_input(f)
            ans = classify_text(ws, args.model, text, threshold=args.threshold, task_id=args.task)
            if args.json:
                print(json.dumps({"source": source, "label": ans.label, "confidence": round(ans.confidence, 4),
                                  "flagged": ans.flagged, "latency_ms": round(ans.latency_ms, 1),
                                  "call_id": ans.call_id}, ensure_ascii=False))
                continue
            flag = "  FLAGGED for review" if ans.flagged else ""
            print(f"{source}: {ans.label}  (confidence {ans.confidence:.2f}){flag}")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from engine.console.batch import inputs_from, run_batch
    from engine.jobs import JobContext

    with open_workspace(args) as ws:
        items = inputs_from([Path(p) for p in args.input], column=args.column)
        result = run_batch(ws, items, Path(args.out), args.model, args.task, args.threshold,
                           JobContext(progress=ConsoleProgress(args.quiet)))
    print(f"{result.rows} answers ({result.flagged} flagged, {result.errors} errors): {result.jsonl}, {result.csv}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import threading

    from engine.console.server import check_address

    check_address(args.host)
    with open_workspace(args) as ws, ws.console.endpoint(args.model, args.host, args.port) as endpoint:
        print(f"serving {endpoint.model_id()} at {endpoint.url} (OpenAI-compatible); Ctrl-C stops", file=sys.stderr)
        if endpoint.new_token:
            print(f"bearer token (shown once; `airlock token rotate` replaces it): {endpoint.new_token}",
                  file=sys.stderr)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


MONITOR_COLUMNS = (Column("start", 16, fmt="{:%Y-%m-%d %H:%M}", title="bucket"),
                   Column("calls", 5, right=True, title="calls"),
                   Column("p50_ms", 7, right=True, fmt="{:.0f}", title="p50 ms"),
                   Column("p95_ms", 7, right=True, fmt="{:.0f}", title="p95 ms"),
                   Column("low_confidence_share", fmt="{:.0%}", title="low-confidence"))


def cmd_monitor(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        buckets = ws.console.log.monitoring(by=args.by)
    print_rows(args, [asdict(b) for b in buckets], MONITOR_COLUMNS, sep=" | ", header=True)
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        reviews = ws.console.reviews
        if args.call is None:
            if args.json:
                print_json([asdict(c) for c in reviews.queue()])
                return 0
            for c in reviews.queue():
                print(f"call {c.id} [{c.mode}] confidence {c.confidence or 0:.2f}: {c.output}  <- "
                      f"{c.redacted_input[:70]!r}")
            return 0
        if args.dismiss:
            reviews.dismiss(args.call)
            print(f"call {args.call} dismissed")
        else:
            example = reviews.resolve(args.call, args.correct)
            print(f"call {args.call} -> example {example}")
    return 0


MODEL = argparse.ArgumentParser(add_help=False)
MODEL.add_argument("--model", type=int, default=None, help="model artifact id (default: the promoted one)")
TASK = argparse.ArgumentParser(add_help=False)
TASK.add_argument("--task", type=int, default=None, help="task id (default: the model's own task)")
TASK.add_argument("--threshold", type=float, default=None,
                  help="flag answers under this confidence (0-1; the expected accuracy once the model is calibrated)")


CASCADE_HELP = "ask answers under the threshold again of the fallback model (`airlock fallback`)"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("chat", parents=[WORKSPACE, MODEL],
                       help="chat with a model (one turn per line on stdin, answers streamed)")
    p.add_argument("--system", default=None, help="system prompt")
    p.add_argument("--max-tokens", type=int, default=512)
    p.set_defaults(func=cmd_chat)
    p = sub.add_parser("extract", parents=[WORKSPACE, JSON, MODEL, TASK],
                       help="schema-constrained extraction from files ('-' for stdin); --json: one object a line")
    p.add_argument("files", nargs="+")
    p.add_argument("--cascade", action="store_true", help=CASCADE_HELP)
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("classify", parents=[WORKSPACE, JSON, MODEL, TASK],
                       help="classify files ('-' for stdin) with a confidence; --json: one object a line")
    p.add_argument("files", nargs="+")
    p.add_argument("--cascade", action="store_true", help=CASCADE_HELP)
    p.set_defaults(func=cmd_classify)
    p = sub.add_parser("fallback", parents=[WORKSPACE],
                       help="show or name the larger local GGUF that unsure answers are asked again of")
    p.add_argument("path", nargs="?", default=None, help="a GGUF file with a chat template")
    p.add_argument("--clear", action="store_true", help="no fallback: unsure answers go straight to review")
    p.set_defaults(func=cmd_fallback)
    p = sub.add_parser("batch", parents=[WORKSPACE, QUIET, MODEL, TASK],
                       help="answer a folder of documents or a CSV column; writes answers.jsonl/.csv")
    p.add_argument("input", nargs="+", help="files or folders (the last argument is the output folder)")
    p.add_argument("out", help="output folder")
    p.add_argument("--column", default=None, help="the CSV column holding the texts")
    p.set_defaults(func=cmd_batch)
    p = sub.add_parser("serve", parents=[WORKSPACE, MODEL],
                       help="local OpenAI-compatible endpoint on 127.0.0.1 (off unless started)")
    p.add_argument("--host", default="127.0.0.1", help="only 127.0.0.1 is accepted")
    p.add_argument("--port", type=int, default=8642)
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("monitor", parents=[WORKSPACE, JSON],
                       help="console volume, p50/p95 latency and low-confidence share over time")
    p.add_argument("--by", choices=("hour", "day"), default="hour")
    p.set_defaults(func=cmd_monitor)
    p = sub.add_parser("review", parents=[WORKSPACE, JSON],
                       help="the review queue: list flagged answers, confirm, correct or dismiss one")
    p.add_argument("call", type=int, nargs="?", help="console call id (omit to list the queue)")
    p.add_argument("--correct", default=None, help="the right answer (a label, or JSON for extraction)")
    p.add_argument("--dismiss", action="store_true")
    p.set_defaults(func=cmd_review)
