"""Signatures with meaning at the gates (21 CFR Part 11 §11.50/§11.70 in spirit).

Freezing a dataset version, promoting a model (with or without a gate override) and turning
keep-originals on are signed: the signer confirms a meaning (reviewed / approved / responsible) and
gives a reason. The engine refuses each of these changes without a signature (``require_signature``
in the service, and ``AuditLog.record`` again for the event itself), whoever calls it: the CLI, the
GUI or a program using the services. A caller passes ``signature=Signature(meaning, reason)`` to the
service or wraps the call in ``signing(...)``; ``AuditLog.record`` writes the signature into that
change's own event, in the same transaction, so the signature is bound to the record by the hash
chain. The CLI and the GUI ask for it before each of these changes.
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


class SignatureRequired(AirlockError):
    """A gate change asked for without a signature."""


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


def require_signature(what: str, given: Signature | None = None) -> Signature:
    """The signature for a gate change: ``given``, else the pending one; refuses the change without one."""
    signature = given if given is not None else _pending.get()
    if signature is None:
        raise SignatureRequired(f"{what} needs a signature: a meaning ({' / '.join(MEANINGS)}) and a reason "
                                "(pass signature=Signature(meaning, reason) to the call, or sign in the "
                                "CLI with --meaning and --reason); nothing was changed")
    if not isinstance(signature, Signature):
        raise SignatureInvalid(f"{what}: a signature must be a Signature(meaning, reason), not "
                               f"{type(signature).__name__}; nothing was changed")
    Signature(signature.meaning, signature.reason)  # validated again: a meaning and a reason
    return signature


def needs_signature(action: str, details: dict[str, Any] | None) -> bool:
    """Whether ``action`` with ``details`` is a gate change that may only be recorded signed
    (keep-originals only when it is turned on)."""
    if action.startswith("pii.keep_originals_changed"):
        return bool((details or {}).get("new"))
    return any(action.startswith(prefix) for prefix in SIGNED_ACTIONS)
