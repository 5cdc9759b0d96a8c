"""Signatures with meaning at the gates (21 CFR Part 11 §11.50/§11.70 in spirit).

Freezing a dataset version, promoting a model (with or without a gate override) and turning
keep-originals on are signed: the signer confirms a meaning (reviewed / approved / responsible) and
gives a reason. ``signing`` holds the signature while the change runs; ``AuditLog.record`` writes it
into that change's own event, in the same transaction, so the signature is bound to the record by
the hash chain. The CLI and the GUI ask for it before each of these changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from engine.clock import iso
from engine.errors import AirlockError

MEANINGS = ("reviewed", "approved", "responsible")
# action (prefix) -> what the signature is for, in words
SIGNED_ACTIONS = {
    "dataset.frozen": "freezing this dataset version for training",
    "model.promoted": "promoting this model",
    "pii.keep_originals_changed": "keeping original documents",
}

_pending: ContextVar[Signature | None] = ContextVar("airlock_signature", default=None)


class SignatureInvalid(AirlockError):
    """A signature without a known meaning or without a reason."""


@dataclass(frozen=True)
class Signature:
    meaning: str
    reason: str

    def __post_init__(self) -> None:
        if self.meaning not in MEANINGS:
            raise SignatureInvalid(f"a signature's meaning must be one of {', '.join(MEANINGS)}, "
                                   f"not {self.meaning!r}")
        if len(self.reason.strip()) < 3:
            raise SignatureInvalid("a signature needs a reason (a few words on why you sign)")

    def manifest(self, signer: str, role: str) -> dict[str, Any]:
        return {"signer": signer, "role": role, "meaning": self.meaning, "reason": self.reason.strip(),
                "signed_at": iso()}


@contextmanager
def signing(signature: Signature | None) -> Iterator[None]:
    """Sign the gate change made inside the block (None: nothing to sign)."""
    token = _pending.set(signature)
    try:
        yield
    finally:
        _pending.reset(token)


def signature_for(action: str) -> Signature | None:
    """The pending signature when ``action`` is a signed gate change, else None."""
    if not any(action.startswith(prefix) for prefix in SIGNED_ACTIONS):
        return None
    return _pending.get()
