"""The append-only, hash-chained audit log.

Each event's hash is sha256 over the previous event's hash and the event's own
canonical JSON (sequence number, time, user, role, action, subject, details).
Editing, deleting or reordering any event breaks the chain at that event;
deleting the newest one is caught by the head record kept beside the log. Rolling the whole
database back, cutting events and fixing the head, or recomputing every hash is caught by the
anchor outside the workspace (engine/audit_anchor.py).
Events are written through ``record`` inside the caller's transaction, so a
change and its audit event commit or roll back together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from engine.audit_anchor import Anchor
from engine.clock import iso
from engine.identity import Identity
from engine.store.models import AuditEvent, Setting

GENESIS = "0" * 64
HEAD_KEY = "audit_head"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    ts: str
    os_user: str
    role: str
    action: str
    subject: str
    details: dict[str, Any]
    hash: str


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    first_bad_seq: int | None = None
    problem: str | None = None
    anchored: int | None = None  # heads this account anchored outside the workspace and compared
    elsewhere: tuple[str, ...] = ()  # folders the heads were anchored for instead (moved or copied)

    def describe(self) -> str:
        if self.ok:
            moved = (f" folder (its heads were anchored for {', '.join(self.elsewhere)}: it was moved or "
                     "copied)" if self.elsewhere else " workspace")
            outside = (f"; all {self.anchored} heads this account anchored outside the workspace match"
                       if self.anchored else f"; this account holds no anchor for this{moved}, so only "
                       "the chain itself was checked")
            return f"audit chain intact: {self.events} events verified{outside}"
        return f"audit chain broken at event {self.first_bad_seq}: {self.problem}"


def canonical(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(prev_hash: str, seq: int, ts: str, os_user: str, role: str,
               action: str, subject: str, details: str) -> str:
    body = canonical({"seq": seq, "ts": ts, "os_user": os_user, "role": role,
                      "action": action, "subject": subject, "details": details})
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


class AuditLog:
    def __init__(self, session_factory: Callable[[], Session], identity: Identity,
                 anchor: Anchor | None = None) -> None:
        self._sessions = session_factory
        self.identity = identity
        self.anchor = anchor
        self.on_commit: Callable[[list[str]], None] | None = None

    def _anchor_when_committed(self, session: Session, seq: int, digest: str, action: str) -> None:
        """Append the head to the anchor once the transaction has really committed, then tell
        ``on_commit`` which actions committed (the workspace scrubs backups after a redaction)."""
        if "audit_head" not in session.info:
            log = self

            def committed(s: Session) -> None:
                head = s.info.pop("audit_head", None)
                actions = s.info.pop("audit_actions", [])
                if head is not None and log.anchor is not None:
                    log.anchor.append(*head)
                if actions and log.on_commit is not None:
                    log.on_commit(actions)

            def rolled_back(s: Session) -> None:
                s.info.pop("audit_head", None)
                s.info.pop("audit_actions", None)

            event.listen(session, "after_commit", committed)
            event.listen(session, "after_rollback", rolled_back)
        session.info["audit_head"] = (seq, digest)
        session.info.setdefault("audit_actions", []).append(action)

    def record(self, session: Session, action: str, subject: str,
               details: dict[str, Any] | None = None) -> AuditEntry:
        """Append one event inside ``session``'s open transaction. Refuses (and so rolls the change
        back) when the acting user's current role may not do what ``action`` is, or when ``action``
        is a gate change and no signature is pending (engine/signatures.py)."""
        from engine.members import check_role, work_for_action
        from engine.signatures import SignatureRequired, needs_signature, signature_for

        role = check_role(session, self.identity.os_user, work_for_action(action), action)
        if needs_signature(action, details) and signature_for(action) is None:
            raise SignatureRequired(f"{action} may only be recorded with a signature (meaning and reason); "
                                    "the change was rolled back")
        last = session.execute(
            select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
        ).first()
        seq = (last[0] + 1) if last else 1
        prev = last[1] if last else GENESIS
        ts = iso()
        signature = signature_for(action)
        if signature is not None:
            details = {**(details or {}), "signature": signature.manifest(self.identity.os_user, role)}
        details_json = canonical(details or {})
        digest = event_hash(prev, seq, ts, self.identity.os_user, role, action, subject, details_json)
        session.add(AuditEvent(seq=seq, ts=ts, os_user=self.identity.os_user,
                               role=role, action=action, subject=subject,
                               details=details_json, prev_hash=prev, hash=digest))
        head = session.get(Setting, HEAD_KEY)
        head_value = f"{seq}:{digest}"
        if head is None:
            session.add(Setting(key=HEAD_KEY, value=head_value))
        else:
            head.value = head_value
        session.flush()
        self._anchor_when_committed(session, seq, digest, action)
        return AuditEntry(seq, ts, self.identity.os_user, role, action,
                          subject, details or {}, digest)

    def users(self) -> list[str]:
        """Everyone who appears in the log (for the Audit page's user filter)."""
        with self._sessions() as s:
            return sorted(set(s.scalars(select(AuditEvent.os_user).distinct())))

    def entries(self, action: str | None = None, subject: str | None = None,
                os_user: str | None = None, text: str | None = None,
                limit: int = 1000, newest_first: bool = True) -> list[AuditEntry]:
        stmt = select(AuditEvent)
        if action:
            stmt = stmt.where(AuditEvent.action.like(f"{action}%"))
        if subject:
            stmt = stmt.where(AuditEvent.subject.like(f"{subject}%"))
        if os_user:
            stmt = stmt.where(AuditEvent.os_user == os_user)
        if text:
            stmt = stmt.where(AuditEvent.details.like(f"%{text}%"))
        order = AuditEvent.seq.desc() if newest_first else AuditEvent.seq.asc()
        stmt = stmt.order_by(order).limit(limit)
        with self._sessions() as session:
            rows = session.scalars(stmt).all()
            return [AuditEntry(r.seq, r.ts, r.os_user, r.role, r.action, r.subject,
                               json.loads(r.details), r.hash) for r in rows]

    def actions(self) -> list[str]:
        with self._sessions() as session:
            return sorted(set(session.scalars(select(AuditEvent.action).distinct())))

    def verify(self) -> ChainReport:
        with self._sessions() as session:
            rows = session.execute(
                select(AuditEvent.seq, AuditEvent.ts, AuditEvent.os_user, AuditEvent.role,
                       AuditEvent.action, AuditEvent.subject, AuditEvent.details,
                       AuditEvent.prev_hash, AuditEvent.hash).order_by(AuditEvent.id)
            ).all()
            head = session.get(Setting, HEAD_KEY)
            head_value = head.value if head else None
        prev = GENESIS
        for expected_seq, row in enumerate(rows, start=1):
            seq, ts, user, role, action, subject, details, prev_hash, digest = row
            if seq != expected_seq:
                return ChainReport(False, len(rows), expected_seq,
                                   f"expected event {expected_seq} here but found event {seq} "
                                   "(an event was deleted or the order changed)")
            if prev_hash != prev:
                return ChainReport(False, len(rows), seq,
                                   "its link to the previous event does not match "
                                   "(an event before it was deleted, edited or moved)")
            if event_hash(prev, seq, ts, user, role, action, subject, details) != digest:
                return ChainReport(False, len(rows), seq,
                                   "its contents do not match its hash (the event was edited)")
            prev = digest
        expected_head = f"{len(rows)}:{prev}" if rows else None
        if head_value != expected_head:
            last = len(rows) + 1 if rows else 1
            return ChainReport(False, len(rows), last,
                               "the log ends early: the newest event(s) were deleted")
        if self.anchor is None:
            return ChainReport(True, len(rows))
        check = self.anchor.compare([row[-1] for row in rows])
        if not check.ok:
            return ChainReport(False, len(rows), check.first_bad_seq, check.problem, check.anchored)
        return ChainReport(True, len(rows), anchored=check.anchored, elsewhere=check.elsewhere)
