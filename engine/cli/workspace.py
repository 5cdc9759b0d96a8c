"""`airlock init`, `status`, `gui`, `demo`: the workspace as a whole."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.cli.common import open_workspace, resolve_workspace
from engine.cli.options import QUIET, WORKSPACE
from engine.cli.progress import ConsoleProgress
from engine.cli.table import print_json
from engine.errors import AirlockError
from engine.inference.selftest import summary as runtime_summary


def cmd_init(args: argparse.Namespace) -> int:
    from engine.workspace import Workspace

    root = resolve_workspace(args)
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
    with open_workspace(args) as ws:
        holder = ws.holder()
        info = {"workspace": str(ws.root), "user": ws.identity.os_user, "role": ws.identity.role,
                "open_in_window": holder.describe() if holder else None, **ws.summary(),
                "inference_runtime": runtime_summary()}
        print_json(info)
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


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", parents=[WORKSPACE], help="create a workspace")
    p.add_argument("--name", default=None)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("status", parents=[WORKSPACE], help="what the workspace holds")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("gui", parents=[WORKSPACE], help="start the desktop app")
    p.add_argument("--demo", action="store_true", help="open (creating if needed) the demo workspace")
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("demo", parents=[WORKSPACE, QUIET],
                       help="run the whole loop on the embedded demo model and print the table")
    p.add_argument("--quick", action="store_true", help="smaller settings (as the test suite uses)")
    p.add_argument("--json", default=None, help="also write the results to this JSON file")
    p.set_defaults(func=cmd_demo)
