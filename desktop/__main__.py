"""`python -m desktop` (what `airlock gui` starts): the desktop app."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:  # started as a program: seal off the network first (a no-op under `airlock gui`)
        from engine import seal

        seal.seal_process()
    parser = argparse.ArgumentParser(prog="airlock gui", description="Start the Airlock desktop app.")
    parser.add_argument("--workspace", "-w", type=Path, default=None)
    parser.add_argument("--demo", action="store_true", help="open (creating if needed) the demo workspace")
    args = parser.parse_args(argv)
    from desktop.app import run_app

    return run_app(workspace=args.workspace, demo=args.demo)


if __name__ == "__main__":
    sys.exit(main())
