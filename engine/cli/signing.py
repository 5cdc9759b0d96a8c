"""`--meaning` and `--reason` for the commands that change a gate (freeze, promote, keep-originals on).

Given both, the change's audit event carries the signature (engine/signatures.py). Given neither on
an interactive terminal, the command asks for them; a script that gives neither is refused by the
engine (a gate change is never made unsigned) and nothing changes.
"""

from __future__ import annotations

import argparse
import sys

from engine.signatures import MEANINGS, Signature


def add_signature_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--meaning", choices=MEANINGS, default=None,
                        help="what your signature means for this change (recorded with the change)")
    parser.add_argument("--reason", default=None, help="why you sign (recorded with the change)")


def signature_from(args: argparse.Namespace, what: str) -> Signature | None:
    meaning, reason = getattr(args, "meaning", None), getattr(args, "reason", None)
    if meaning is None and reason is None:
        if not sys.stdin.isatty():
            return None
        print(f"Sign {what}. Meaning ({' / '.join(MEANINGS)}): ", end="", file=sys.stderr, flush=True)
        meaning = input().strip()
        print("Reason: ", end="", file=sys.stderr, flush=True)
        reason = input().strip()
    return Signature(meaning or "", reason or "")
