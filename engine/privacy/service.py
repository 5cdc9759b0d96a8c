"""``Workspace.privacy``: scan documents for PII, review the findings, redact.

Each public call is one unit of work and writes its audit event in the same
transaction. Audit details carry counts, types and offsets only, never a value.

Once a document is redacted its original text is dropped (unless the workspace
setting ``keep_originals`` is ``"true"``), and the database is made to forget
it: every unit here runs with SQLite's ``secure_delete`` on, so freed space is
zeroed, and the write-ahead log is checkpointed and truncated afterwards.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import now
from engine.errors import NotReady
from engine.jobs import JobContext
from engine.privacy import records, scanning
from engine.privacy.detector import DetectionConfig, detect
from engine.privacy.errors import InvalidDecision, InvalidSpan, PermissionDenied, RecordNotFound
from engine.privacy.findings import (
    ACCEPTED,
    CLEARED,
    DECISIONS,
    IMPORTED,
    MANUAL,
    PENDING,
    REJECTED,
    SCANNED,
    FindingInfo,
    finding_info,
)
from engine.privacy.redaction import redact
from engine.privacy.settings import KEEP_ORIGINALS_KEY, SETTINGS_KEY, PrivacySettings
from engine.privacy.spans import Span, entity_type_for
from engine.signatures import Signature, require_signature, signing
from engine.store.models import Document, PiiFinding, Setting

if TYPE_CHECKING:
    from engine.members import MembershipService
    from engine.store.workspace_store import WorkspaceStore


class PrivacyService:
    def __init__(self, store: WorkspaceStore, membership: MembershipService) -> None:
        self.store = store
        self.membership = membership

    # -- reading ------------------------------------------------------------
    def findings(self, document_id: int) -> list[FindingInfo]:
        with self.store.reader() as s:
            records.document(s, document_id)
            return records.findings(s, document_id)

    def preview(self, text: str, config: DetectionConfig | None = None,
                operators: Mapping[str, str] | None = None) -> tuple[list[Span], str]:
        """Detect and redact ``text`` without storing or auditing anything."""
        spans = detect(text, config)
        return spans, redact(text, spans, operators).text

    # -- settings -------------------------------------------------------------
    def settings(self) -> PrivacySettings:
        """The workspace's patterns, lists, thresholds and operators (defaults when never saved)."""
        return PrivacySettings.from_json(self.store.setting(SETTINGS_KEY))

    def save_settings(self, settings: PrivacySettings) -> PrivacySettings:
        """Validate and store; audited with names and counts only. Returns what was stored."""
        self.membership.require("expert", "PII settings")
        clean = settings.validated()
        with self.store.unit() as s:
            row = s.get(Setting, SETTINGS_KEY)
            old = PrivacySettings.from_json(row.value if row else None)
            if row is None:
                s.add(Setting(key=SETTINGS_KEY, value=clean.to_json()))
            else:
                row.value = clean.to_json()
            self.store.audit.record(s, "pii.settings_changed", f"setting:{SETTINGS_KEY}",
                                 {"old": old.summary(), "new": clean.summary()})
        return clean

    def keep_originals(self) -> bool:
        return self.store.setting(KEEP_ORIGINALS_KEY) == "true"

    def set_keep_originals(self, enabled: bool, signature: Signature | None = None) -> int:
        """Admins only; turning it on is signed (``signature``, or one pending from ``signing``).
        Turning it off also drops the originals that cleared documents still hold; returns how many
        were dropped."""
        if self.store.identity.role != "admin":
            raise PermissionDenied(f"only an admin may change 'keep originals' ({self.store.identity.os_user} "
                                   f"acts as {self.store.identity.role})")
        signed = require_signature("turning keep-originals on", signature) if enabled else signature
        with signing(signed), self.store.unit() as s:
            records.forget_freed_space(s)
            row = s.get(Setting, KEEP_ORIGINALS_KEY)
            old = row.value == "true" if row else False
            value = "true" if enabled else "false"
            if row is None:
                s.add(Setting(key=KEEP_ORIGINALS_KEY, value=value))
            else:
                row.value = value
            dropped = 0
            if not enabled:
                for doc in s.scalars(select(Document).where(Document.status == CLEARED,
                                                             Document.original_text.is_not(None))):
                    doc.original_text = None
                    dropped += 1
            self.store.audit.record(s, "pii.keep_originals_changed", f"setting:{KEEP_ORIGINALS_KEY}",
                                 {"old": old, "new": enabled, "originals_dropped": dropped})
        if dropped:
            records.truncate_wal(self.store.engine)
        return dropped

    # -- scanning (engine.privacy.scanning) ------------------------------------
    def scan(self, document_id: int, config: DetectionConfig | None = None) -> list[FindingInfo]:
        """Detect PII in the document's original text; returns all its findings afterwards.

        Pending detector findings are replaced by the new ones; reviewed findings and
        manual ones stay, and a detection identical to a reviewed finding is not proposed again.
        """
        self.membership.require("expert", "PII review")
        return scanning.scan(self.store, document_id, config or self.settings().detection_config())

    def scan_many(self, document_ids: Iterable[int], ctx: JobContext | None = None,
                  config: DetectionConfig | None = None, workers: int | None = None) -> int:
        """``scan`` for many documents: their texts go through spaCy in batches, on every core
        (engine.privacy.batch). A job: each group of documents is stored as soon as it is scanned,
        so a cancel keeps what was done. Documents whose original is gone are skipped; returns how
        many were scanned."""
        self.membership.require("expert", "PII review")
        return scanning.scan_many(self.store, list(document_ids), ctx or JobContext(),
                                  config or self.settings().detection_config(), workers)

    # -- reviewing ------------------------------------------------------------
    def decide(self, finding_id: int, decision: str) -> FindingInfo:
        self.membership.require("expert", "PII review")
        if decision not in DECISIONS:
            raise InvalidDecision(f"a finding is either {ACCEPTED!r} or {REJECTED!r}, not {decision!r}")
        with self.store.unit() as s:
            records.forget_freed_space(s)
            finding, doc = self._finding(s, finding_id)
            previous = finding.decision
            if previous != decision:
                finding.decision = decision
                finding.decided_by = self.store.identity.os_user
                finding.decided_at = now()
                finding.placeholder = None
                self._reopen_if_cleared(doc)
                self.store.audit.record(s, "pii.decided", f"finding:{finding_id}", {
                    "document_id": doc.id, "entity_type": finding.entity_type, "start": finding.start,
                    "end": finding.end, "source": finding.source, "decision": decision,
                    "previous": previous})
            return finding_info(finding)

    def accept_all(self, document_id: int, entity_type: str | None = None,
                   only: Collection[int] | None = None) -> int:
        """Accept every pending finding of the document (of one type if given; among the ids in
        ``only`` if given, so that a redo accepts exactly what the first time did); returns how many."""
        self.membership.require("expert", "PII review")
        with self.store.unit() as s:
            records.forget_freed_space(s)
            return self._accept_pending(s, document_id, entity_type, automatic=False, only=only)

    def add_manual(self, document_id: int, start: int, end: int, entity_type: str) -> int:
        """Mark ``original_text[start:end]`` as PII the detector missed (accepted at once)."""
        self.membership.require("expert", "PII review")
        entity = entity_type_for(entity_type)
        if not entity:
            raise InvalidSpan("a PII span needs an entity type, e.g. PERSON")
        with self.store.unit() as s:
            records.forget_freed_space(s)
            doc = records.document(s, document_id)
            original = records.original(doc)
            if not 0 <= start < end <= len(original):
                raise InvalidSpan(f"span {start}-{end} does not fit document {document_id} "
                                  f"({len(original)} characters)")
            if not original[start:end].strip():
                raise InvalidSpan(f"span {start}-{end} of document {document_id} is only whitespace")
            finding = PiiFinding(document_id=document_id, entity_type=entity, start=start, end=end,
                                 score=1.0, source=MANUAL, decision=ACCEPTED,
                                 decided_by=self.store.identity.os_user, decided_at=now())
            s.add(finding)
            if doc.status == IMPORTED:
                doc.status = SCANNED
            self._reopen_if_cleared(doc)
            s.flush()
            self.store.audit.record(s, "pii.added", f"finding:{finding.id}", {
                "document_id": document_id, "entity_type": entity, "start": start, "end": end})
            return finding.id

    def reopen(self, finding_id: int) -> FindingInfo:
        """Undo a decision: the finding is pending again (the document needs review again)."""
        self.membership.require("expert", "PII review")
        with self.store.unit() as s:
            records.forget_freed_space(s)
            finding, doc = self._finding(s, finding_id)
            previous = finding.decision
            if previous != PENDING:
                finding.decision, finding.decided_by, finding.decided_at = PENDING, None, None
                finding.placeholder = None
                self._reopen_if_cleared(doc)
                self.store.audit.record(s, "pii.reopened", f"finding:{finding_id}", {
                    "document_id": doc.id, "entity_type": finding.entity_type, "start": finding.start,
                    "end": finding.end, "previous": previous})
            return finding_info(finding)

    def remove_manual(self, finding_id: int) -> None:
        """Take back a span a person added (e.g. to undo it); detector findings are rejected instead."""
        self.membership.require("expert", "PII review")
        with self.store.unit() as s:
            records.forget_freed_space(s)
            finding, doc = self._finding(s, finding_id)
            if finding.source != MANUAL:
                raise InvalidDecision(f"finding {finding_id} was found by the detector; reject it instead")
            self._reopen_if_cleared(doc)
            self.store.audit.record(s, "pii.removed", f"finding:{finding_id}", {
                "document_id": doc.id, "entity_type": finding.entity_type, "start": finding.start,
                "end": finding.end})
            s.delete(finding)

    # -- redacting ------------------------------------------------------------
    def redact_document(self, document_id: int, operators: Mapping[str, str] | None = None) -> str:
        """Apply the accepted findings; store and return the redacted text."""
        self.membership.require("expert", "redaction")
        redacted = self._redact(document_id, operators)
        records.truncate_wal(self.store.engine)
        return redacted

    def scan_and_clear(self, document_ids: Iterable[int], ctx: JobContext,
                       config: DetectionConfig | None = None) -> int:
        """Scan (in batches, ``scan_many``), accept everything the detector found and redact.

        For the automated demo pipeline: nobody reviews the findings, and the audit log
        says so (``pii.bulk_accepted`` with ``automatic: true``). Documents already
        redacted whose original is gone are skipped. Returns how many were cleared.
        """
        self.membership.require("expert", "PII review")
        return scanning.scan_and_clear(self.store, list(document_ids), ctx,
                                       config or self.settings().detection_config(), self._clear_unreviewed)

    def forget_freed_pages(self) -> None:
        """After a unit that deleted personal data with secure delete on: empty the write-ahead log too."""
        records.truncate_wal(self.store.engine)

    # -- internals ----------------------------------------------------------
    def _clear_unreviewed(self, document_id: int) -> None:
        """Accept every pending finding unreviewed (audited as automatic), then redact."""
        with self.store.unit() as s:
            records.forget_freed_space(s)
            self._accept_pending(s, document_id, None, automatic=True)
        self._redact(document_id, None)

    def _redact(self, document_id: int, operators: Mapping[str, str] | None) -> str:
        keep_original = self.keep_originals()
        if operators is None:
            operators = self.settings().operators
        with self.store.unit() as s:
            records.forget_freed_space(s)
            doc = records.document(s, document_id)
            original = records.original(doc)
            rows = records.rows(s, document_id)
            pending = [f for f in rows if f.decision == PENDING]
            if pending:
                raise NotReady(f"document {document_id} still has {len(pending)} PII finding(s) "
                               "awaiting review; accept or reject them before redacting")
            if doc.status == IMPORTED and not rows:
                raise NotReady(f"document {document_id} has not been scanned for PII yet; scan it first")
            accepted = [f for f in rows if f.decision == ACCEPTED]
            result = redact(original, [Span(f.entity_type, f.start, f.end, f.score, f.source)
                                       for f in accepted], operators)
            for f, applied in zip(accepted, result.spans, strict=True):
                f.placeholder = applied.placeholder
            for f in rows:
                if f.decision == REJECTED:
                    f.placeholder = None
            doc.redacted_text = result.text
            doc.status = CLEARED
            if not keep_original:
                doc.original_text = None
            self.store.audit.record(s, "pii.redacted", f"document:{document_id}", {
                "applied": len(accepted), "counts": records.counts(f.entity_type for f in accepted),
                "rejected": len(rows) - len(accepted), "original_kept": keep_original,
                "operators": dict(sorted((operators or {}).items())),
                "redacted_sha256": hashlib.sha256(result.text.encode("utf-8")).hexdigest()})
            return result.text

    def _accept_pending(self, s: Session, document_id: int, entity_type: str | None,
                        automatic: bool, only: Collection[int] | None = None) -> int:
        doc = records.document(s, document_id)
        records.original(doc)
        stmt = select(PiiFinding).where(PiiFinding.document_id == document_id,
                                        PiiFinding.decision == PENDING)
        if entity_type is not None:
            stmt = stmt.where(PiiFinding.entity_type == entity_type)
        if only is not None:
            stmt = stmt.where(PiiFinding.id.in_(list(only)))
        rows = list(s.scalars(stmt))
        if not rows:
            return 0
        stamp = now()
        for f in rows:
            f.decision, f.decided_by, f.decided_at = ACCEPTED, self.store.identity.os_user, stamp
        self.store.audit.record(s, "pii.bulk_accepted", f"document:{document_id}", {
            "accepted": len(rows), "entity_type": entity_type, "automatic": automatic,
            "counts": records.counts(f.entity_type for f in rows)})
        return len(rows)

    def _finding(self, s: Session, finding_id: int) -> tuple[PiiFinding, Document]:
        """A finding whose decision may still change (its document's original is there)."""
        finding = s.get(PiiFinding, finding_id)
        if finding is None:
            raise RecordNotFound(f"there is no PII finding {finding_id}")
        doc = records.document(s, finding.document_id)
        records.original(doc)
        return finding, doc

    @staticmethod
    def _reopen_if_cleared(doc: Document) -> None:
        """A changed decision makes the stored redaction stale: the document needs redacting again."""
        if doc.status == CLEARED:
            doc.status = SCANNED
