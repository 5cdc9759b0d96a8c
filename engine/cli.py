"""The `airlock` command: everything the GUI does, headless.

Every subcommand takes --workspace DIR. User errors print one line and exit
non-zero; tracebacks are kept for real bugs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from engine import offline
from engine.errors import AirlockError

EXIT_USER_ERROR = 2
EXIT_CHECK_FAILED = 1


def _workspace_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", "-w", type=Path, default=None,
                        help="workspace folder (default: the per-user data folder, or $AIRLOCK_WORKSPACE)")


def _resolve(args: argparse.Namespace) -> Path:
    if args.workspace is not None:
        return Path(args.workspace)
    from engine.paths import default_workspace

    return default_workspace()


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from engine.workspace import Workspace

    return Workspace.open(_resolve(args))


class ConsoleProgress:
    """Progress on stderr: one line per new message, at most every 0.2 s otherwise."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self._last_msg = ""
        self._last_t = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        if self.quiet:
            return
        t = time.monotonic()
        if message != self._last_msg or t - self._last_t > 5:
            print(f"[{fraction * 100:5.1f}%] {message}", file=sys.stderr, flush=True)
            self._last_msg, self._last_t = message, t


def cmd_init(args: argparse.Namespace) -> int:
    from engine.workspace import Workspace

    root = _resolve(args)
    if Workspace.exists(root):
        print(f"workspace already exists at {root}")
        return 0
    if root.exists() and not root.is_dir():
        raise AirlockError(f"{root}: exists and is not a folder")
    if root.is_dir() and any(root.iterdir()):
        raise AirlockError(f"{root}: folder is not empty and is not an Airlock workspace")
    with Workspace.create(root, name=args.name):
        pass
    print(f"created workspace at {root}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        info = {"workspace": str(ws.root), "user": ws.identity.os_user, "role": ws.identity.role,
                **ws.summary()}
        print(json.dumps(info, indent=2))
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        report = ws.audit.verify()
    print(report.describe())
    return 0 if report.ok else EXIT_CHECK_FAILED


def cmd_audit_show(args: argparse.Namespace) -> int:
    with _open(args) as ws:
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


def cmd_import(args: argparse.Namespace) -> int:
    from engine.jobs import JobContext

    with _open(args) as ws:
        report = ws.documents.import_files([Path(p) for p in args.paths],
                                           JobContext(progress=ConsoleProgress(args.quiet)),
                                           text_field=args.text_field, label_field=args.label_field)
    for dup in report.duplicates:
        print(f"duplicate {dup}")
    for err in report.errors:
        print(f"skipped {err}", file=sys.stderr)
    print(f"imported {len(report.imported)} documents, {len(report.duplicates)} duplicates, "
          f"{len(report.errors)} files skipped")
    return 0 if not report.errors else EXIT_CHECK_FAILED


def cmd_pii_scan(args: argparse.Namespace) -> int:
    """Detect and redact files without a workspace and without storing anything."""
    from engine.documents.readers import read_file
    from engine.errors import InputFileError
    from engine.privacy import detect, redact

    results: list[dict[str, object]] = []
    failed = False
    for name in args.files:
        path = Path(name)
        try:
            _fmt, records = read_file(path, path.read_bytes())
        except InputFileError as exc:
            results.append({"file": str(path), "error": exc.problem})
            failed = True
            continue
        except OSError as exc:
            results.append({"file": str(path), "error": f"cannot be read ({exc.strerror or exc})"})
            failed = True
            continue
        for rec in records:
            spans = detect(rec.text)
            results.append({
                "file": str(path), "record": rec.name,
                "entities": [{"type": sp.entity_type, "start": sp.start, "end": sp.end,
                              "score": round(sp.score, 4)} for sp in spans],
                "redacted_text": redact(rec.text, spans).text})
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        for r in results:
            if "error" in r:
                print(f"{r['file']}: {r['error']}", file=sys.stderr)
                continue
            entities = r["entities"]
            assert isinstance(entities, list)
            kinds = sorted({str(e["type"]) for e in entities})
            print(f"{r['file']} [{r['record']}]: {len(entities)} findings ({', '.join(kinds) or 'none'})")
            print(f"  {r['redacted_text']}")
    return EXIT_CHECK_FAILED if failed else 0


def _run_line(run: object) -> str:
    from engine.training.service import RunInfo

    assert isinstance(run, RunInfo)
    loss = run.final_metrics.get("final_loss")
    extra = f", final loss {loss:.4f}" if loss is not None else ""
    why = f": {run.error}" if run.error else ""
    return f"run {run.id}: {run.status} (backend {run.backend or '-'}{extra}){why}"


def cmd_train_start(args: argparse.Namespace) -> int:
    from engine.jobs import JobContext
    from engine.training.config import TrainingConfig

    with _open(args) as ws:
        overrides = json.loads(Path(args.config).read_text()) if args.config else {}
        if args.max_steps is not None:
            overrides["max_steps"] = args.max_steps
        config = TrainingConfig.from_dict(overrides)
        base_id = args.base if args.base is not None else ws.models.ensure_demo_model().id
        run = ws.training.create(args.version, base_id, config)
        pid = ws.training.start(run.id)
        print(f"run {run.id} started (worker pid {pid}); folder {run.run_dir}", file=sys.stderr)
        if not args.wait:
            print(run.id)
            return 0
        final = ws.training.wait(run.id, JobContext(progress=ConsoleProgress(args.quiet)))
        print(_run_line(final))
        return 0 if final.status == "succeeded" else EXIT_CHECK_FAILED


def cmd_train_status(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        runs = [ws.training.check_alive(args.run)] if args.run else [
            ws.training.check_alive(r.id) for r in ws.training.runs()]
    for run in runs:
        print(_run_line(run))
    return 0


def cmd_train_cancel(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        run = ws.training.check_alive(args.run)
        if run.status != "running" and run.status != "queued":
            raise AirlockError(f"run {args.run} is {run.status}; nothing to cancel")
        ws.training.cancel(args.run)
    print(f"run {args.run}: cancel requested; it stops at the next step and keeps a checkpoint")
    return 0


def cmd_train_resume(args: argparse.Namespace) -> int:
    from engine.jobs import JobContext

    with _open(args) as ws:
        pid = ws.training.resume(args.run)
        print(f"run {args.run} resumed from its last checkpoint (worker pid {pid})", file=sys.stderr)
        if not args.wait:
            return 0
        final = ws.training.wait(args.run, JobContext(progress=ConsoleProgress(args.quiet)))
        print(_run_line(final))
        return 0 if final.status == "succeeded" else EXIT_CHECK_FAILED


def cmd_train_logs(args: argparse.Namespace) -> int:
    from engine.training.spec import read_progress

    with _open(args) as ws:
        run = ws.training.get(args.run)
    events, _ = read_progress(run.run_dir)
    for ev in events[-args.tail:]:
        print(json.dumps(ev))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from engine.demo import DemoSettings, open_demo_workspace, run_demo
    from engine.jobs import JobContext

    root = args.workspace if args.workspace is not None else None
    settings = DemoSettings.quick() if args.quick else DemoSettings()
    with open_demo_workspace(root) as ws:
        print(f"demo workspace: {ws.root}", file=sys.stderr)
        result = run_demo(ws, JobContext(progress=ConsoleProgress(args.quiet)), settings)
        print(result.table())
        if args.json:
            Path(args.json).write_text(json.dumps(result.as_dict(), indent=2))
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    """The desktop app is its own program (`python -m desktop`): the engine never imports it."""
    import subprocess

    cmd = [sys.executable, "-m", "desktop"]
    if args.workspace is not None:
        cmd += ["--workspace", str(args.workspace)]
    if args.demo:
        cmd.append("--demo")
    import signal

    proc = subprocess.Popen(cmd)
    signal.signal(signal.SIGTERM, lambda *_: proc.terminate())  # closing us closes the window
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="airlock", description="Airlock: build your own small model, offline.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="create a workspace")
    _workspace_arg(p)
    p.add_argument("--name", default=None)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("status", help="what the workspace holds")
    _workspace_arg(p)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("gui", help="start the desktop app")
    _workspace_arg(p)
    p.add_argument("--demo", action="store_true", help="open (creating if needed) the demo workspace")
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("demo", help="run the whole loop on the embedded demo model and print the table")
    _workspace_arg(p)
    p.add_argument("--quick", action="store_true", help="smaller settings (as the test suite uses)")
    p.add_argument("--json", default=None, help="also write the results to this JSON file")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("import", help="import documents (files or folders)")
    _workspace_arg(p)
    p.add_argument("paths", nargs="+")
    p.add_argument("--text-field", default="text", help="CSV column / JSONL field holding the text")
    p.add_argument("--label-field", default=None,
                   help="CSV column / JSONL field holding a label (default: 'label' where there is one)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_import)

    train = sub.add_parser("train", help="fine-tune a base model on a frozen dataset version")
    train_sub = train.add_subparsers(dest="train_command", required=True)
    p = train_sub.add_parser("start", help="start a run in its own worker process")
    _workspace_arg(p)
    p.add_argument("--version", type=int, required=True, help="dataset version id")
    p.add_argument("--base", type=int, default=None, help="base model id (default: the demo model)")
    p.add_argument("--config", default=None, help="JSON file with training settings")
    p.add_argument("--max-steps", type=int, default=None)
    p.add_argument("--wait", action="store_true", help="follow progress until the run ends")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_train_start)
    p = train_sub.add_parser("status", help="state of one run or all runs")
    _workspace_arg(p)
    p.add_argument("run", type=int, nargs="?")
    p.set_defaults(func=cmd_train_status)
    p = train_sub.add_parser("cancel", help="stop a run at the next step boundary")
    _workspace_arg(p)
    p.add_argument("run", type=int)
    p.set_defaults(func=cmd_train_cancel)
    p = train_sub.add_parser("resume", help="continue a cancelled or failed run from its last checkpoint")
    _workspace_arg(p)
    p.add_argument("run", type=int)
    p.add_argument("--wait", action="store_true")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_train_resume)
    p = train_sub.add_parser("logs", help="the run's progress lines")
    _workspace_arg(p)
    p.add_argument("run", type=int)
    p.add_argument("--tail", type=int, default=20)
    p.set_defaults(func=cmd_train_logs)

    pii = sub.add_parser("pii", help="personal data detection")
    pii_sub = pii.add_subparsers(dest="pii_command", required=True)
    p = pii_sub.add_parser("scan", help="detect PII in files and print the redacted text; stores nothing")
    p.add_argument("files", nargs="+")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_pii_scan)

    audit = sub.add_parser("audit", help="read and verify the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    p = audit_sub.add_parser("verify", help="check the hash chain; non-zero exit names the first bad event")
    _workspace_arg(p)
    p.set_defaults(func=cmd_audit_verify)
    p = audit_sub.add_parser("show", help="list events, newest first")
    _workspace_arg(p)
    p.add_argument("--action", default=None, help="action prefix, e.g. training.")
    p.add_argument("--subject", default=None)
    p.add_argument("--user", default=None)
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--oldest-first", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit_show)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    offline.install_guard()
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except AirlockError as exc:
        print(f"airlock: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("airlock: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"airlock: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())
