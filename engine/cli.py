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
    for err in report.errors:
        print(f"skipped {err}", file=sys.stderr)
    print(f"imported {len(report.imported)} documents, {len(report.duplicates)} duplicates, "
          f"{len(report.errors)} files skipped")
    return 0 if not report.errors else EXIT_CHECK_FAILED


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
    from desktop.app import run_app

    return run_app(workspace=args.workspace, demo=args.demo)


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
    p.add_argument("--label-field", default="label", help="CSV column / JSONL field holding a label")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_import)

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
