"""The signature the tests sign gate changes with (freeze, promote, keep-originals on): the engine
refuses those changes unsigned (engine/signatures.py)."""

from __future__ import annotations

from engine.signatures import Signature

SIGNED = Signature("approved", "signed in a test")
# the same on the command line
SIGN_ARGS = ("--meaning", "approved", "--reason", "signed in a test")
