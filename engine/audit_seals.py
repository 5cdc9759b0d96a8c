"""Signed seals: an auditor's Ed25519 signature over the audit log's head.

The key pair lives in the auditor's own state folder (never in the workspace); the private key is
encrypted with their passphrase. ``seal`` signs the current head and records the seal as an
``audit.sealed`` event (which only an auditor may write, so the public key it carries is an
auditor's key). ``verify_all`` checks every stored seal; ``verify_text`` checks a seal kept
elsewhere (a USB stick, a printout) against the workspace. A seal whose key no auditor of this
workspace ever sealed with is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.audit import canonical
from engine.audit_anchor import state_dir, workspace_id
from engine.clock import iso
from engine.errors import AirlockError
from engine.store.models import AuditEvent

if TYPE_CHECKING:
    from engine.workspace import Workspace

HEADER = "AIRLOCK AUDIT SEAL"
FIELDS = ("workspace", "seq", "hash", "signer", "sealed_at", "public_key", "signature")


class SealError(AirlockError):
    """A key or seal that cannot be used; the message says why."""


@dataclass(frozen=True)
class Seal:
    workspace: str
    seq: int
    hash: str
    signer: str
    sealed_at: str
    public_key: str
    signature: str

    def payload(self) -> bytes:
        return canonical({"workspace": self.workspace, "seq": self.seq, "hash": self.hash,
                          "signer": self.signer, "sealed_at": self.sealed_at}).encode("utf-8")

    def text(self) -> str:
        """The printable form: one `field: value` per line."""
        return HEADER + "\n" + "".join(f"{f}: {getattr(self, f)}\n" for f in FIELDS)

    @classmethod
    def parse(cls, text: str, source: str) -> Seal:
        lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
        if not lines or lines[0] != HEADER:
            raise SealError(f"{source}: not an Airlock audit seal (it must start with '{HEADER}')")
        values = dict(ln.split(": ", 1) for ln in lines[1:] if ": " in ln)
        missing = [f for f in FIELDS if f not in values]
        if missing or not values.get("seq", "").isdigit():
            raise SealError(f"{source}: the seal is incomplete (missing or bad: {', '.join(missing) or 'seq'})")
        return cls(values["workspace"], int(values["seq"]), values["hash"], values["signer"],
                   values["sealed_at"], values["public_key"], values["signature"])


@dataclass(frozen=True)
class SealCheck:
    ok: bool
    seal: Seal
    problem: str | None = None

    def describe(self) -> str:
        who = f"seal by {self.seal.signer} over event {self.seal.seq} ({self.seal.sealed_at[:19]})"
        return f"{who}: valid" if self.ok else f"{who}: REFUSED: {self.problem}"


# -- keys ---------------------------------------------------------------------------------
def key_path(user: str) -> Path:
    return state_dir() / "keys" / f"{user}.ed25519.pem"


def create_key(user: str, passphrase: str) -> str:
    """Make the user's key pair; returns the public key (hex). Refuses to overwrite one."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if len(passphrase) < 8:
        raise SealError("the passphrase must have at least 8 characters")
    path = key_path(user)
    if path.exists():
        raise SealError(f"{path} already holds a key for {user}; it is kept (seals made with it stay valid)")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.BestAvailableEncryption(passphrase.encode("utf-8")))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    path.write_bytes(pem)
    path.chmod(0o600)
    return public_hex(key)


def public_hex(key: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    raw: bytes = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def load_key(user: str, passphrase: str) -> Any:
    from cryptography.hazmat.primitives import serialization

    path = key_path(user)
    if not path.is_file():
        raise SealError(f"{user} has no signing key yet; make one with `airlock audit keygen`")
    try:
        return serialization.load_pem_private_key(path.read_bytes(), passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise SealError(f"{path}: wrong passphrase, or not an Airlock key") from None


# -- sealing and checking -----------------------------------------------------------------
def seal(ws: Workspace, passphrase: str) -> Seal:
    """Sign the current head with the acting auditor's key and record the seal."""
    ws.membership.require("seal", "signing a seal")
    key = load_key(ws.identity.os_user, passphrase)
    with ws.unit() as s:
        head = s.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).one()
        unsigned = Seal(workspace_id(ws.root / "airlock-workspace.json"), head[0], head[1], ws.identity.os_user,
                        iso(), public_hex(key), "")
        made = Seal(**{**unsigned.__dict__, "signature": key.sign(unsigned.payload()).hex()})
        ws.audit.record(s, "audit.sealed", f"event:{made.seq}", dict(made.__dict__))
    return made


def _signature_ok(seal_: Seal) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(seal_.public_key)).verify(
            bytes.fromhex(seal_.signature), seal_.payload())
    except (InvalidSignature, ValueError):
        return False
    return True


def stored_seals(ws: Workspace) -> list[tuple[Seal, str]]:
    """Every seal recorded in the log, with the role its event was recorded under."""
    with ws.reader() as s:
        rows = s.execute(select(AuditEvent.details, AuditEvent.role)
                         .where(AuditEvent.action == "audit.sealed").order_by(AuditEvent.seq)).all()
    import json

    out = []
    for details, role in rows:
        d = json.loads(details)
        out.append((Seal(d["workspace"], int(d["seq"]), d["hash"], d["signer"], d["sealed_at"], d["public_key"],
                         d["signature"]), role))
    return out


def check(ws: Workspace, seal_: Seal, auditor_keys: dict[str, str]) -> SealCheck:
    if seal_.workspace != workspace_id(ws.root / "airlock-workspace.json"):
        return SealCheck(False, seal_, "it was made for another workspace")
    if not _signature_ok(seal_):
        return SealCheck(False, seal_, "the signature does not match its contents (the seal was altered)")
    if auditor_keys.get(seal_.public_key) != seal_.signer:
        return SealCheck(False, seal_, f"it is signed by a key that no auditor of this workspace sealed with "
                                       f"(as {seal_.signer}); only an auditor's seal counts")
    with ws.reader() as s:
        digest = s.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seal_.seq))
    if digest is None:
        return SealCheck(False, seal_, f"the log has no event {seal_.seq} any more (rolled back or cut)")
    if digest != seal_.hash:
        return SealCheck(False, seal_, f"event {seal_.seq} is not the event that was sealed (the log was "
                                       "rewritten since)")
    return SealCheck(True, seal_)


def auditor_keys(ws: Workspace) -> dict[str, str]:
    """Public key -> auditor, from the seals auditors recorded (the chain protects the role)."""
    return {seal_.public_key: seal_.signer for seal_, role in stored_seals(ws)
            if role == "auditor" and _signature_ok(seal_)}


def verify_all(ws: Workspace) -> list[SealCheck]:
    keys = auditor_keys(ws)
    return [check(ws, seal_, keys) if role == "auditor" else
            SealCheck(False, seal_, f"it was recorded by a {role}, not an auditor")
            for seal_, role in stored_seals(ws)]


def verify_text(ws: Workspace, text: str, source: str) -> SealCheck:
    return check(ws, Seal.parse(text, source), auditor_keys(ws))
