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
import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engine.clock import now
from engine.errors import NotReady
from engine.jobs import JobContext
from engine.privacy.batch import default_workers, detect_many
from engine.privacy.detector import DetectionConfig, detect
from engine.privacy.errors import InvalidDecision, InvalidSpan, PermissionDenied, RecordNotFound
from engine.privacy.findings import (
    ACCEPTED,
    CLEARED,
    DECISIONS,
    DETECTOR,
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
    from engine.workspace import Workspace

log = logging.getLogger(__name__)
SCAN_GROUP = 32  # documents read, scanned and stored together by scan_many


class PrivacyService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- reading ------------------------------------------------------------
    def findings(self, document_id: int) -> list[FindingInfo]:
        with self.ws.reader() as s:
            self._document(s, document_id)
            return self._findings(s, document_id)

    def preview(self, text: str, config: DetectionConfig | None = None,
                operators: Mapping[str, str] | None = None) -> tuple[list[Span], str]:
        """Detect and redact ``text`` without storing or auditing anything."""
        spans = detect(text, config)
        return spans, redact(text, spans, operators).text

    # -- settings -------------------------------------------------------------
    def settings(self) -> PrivacySettings:
        """The workspace's patterns, lists, thresholds and operators (defaults when never saved)."""
        return PrivacySettings.from_json(self.ws.setting(SETTINGS_KEY))

    def save_settings(self, settings: PrivacySettings) -> PrivacySettings:
        """Validate and store; audited with names and counts only. Returns what was stored."""
        self.ws.membership.require("expert", "PII settings")
        clean = settings.validated()
        with self.ws.unit() as s:
            row = s.get(Setting, SETTINGS_KEY)
            old = PrivacySettings.from_json(row.value if row else None)
            if row is None:
                s.add(Setting(key=SETTINGS_KEY, value=clean.to_json()))
            else:
                row.value = clean.to_json()
            self.ws.audit.record(s, "pii.settings_changed", f"setting:{SETTINGS_KEY}",
                                 {"old": old.summary(), "new": clean.summary()})
        return clean

    def keep_originals(self) -> bool:
        return self.ws.setting(KEEP_ORIGINALS_KEY) == "true"

    def set_keep_originals(self, enabled: bool, signature: Signature | None = None) -> int:
        """Admins only; turning it on is signed (``signature``, or one pending from ``signing``).
        Turning it off also drops the originals that cleared documents still hold; returns how many
        were dropped."""
        if self.ws.identity.role != "admin":
            raise PermissionDenied(f"only an admin may change 'keep originals' ({self.ws.identity.os_user} "
                                   f"acts as {self.ws.identity.role})")
        signed = require_signature("turning keep-originals on", signature) if enabled else signature
        with signing(signed), self.ws.unit() as s:
            self._forget_freed_space(s)
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
            self.ws.audit.record(s, "pii.keep_originals_changed", f"setting:{KEEP_ORIGINALS_KEY}",
                                 {"old": old, "new": enabled, "originals_dropped": dropped})
        if dropped:
            self._truncate_wal()
        return dropped

    # -- scanning -------------------------------------------------------------
    def scan(self, document_id: int, config: DetectionConfig | None = None) -> list[FindingInfo]:
        """Detect PII in the document's original text; returns all its findings afterwards.

        Pending detector findings are replaced by the new ones; reviewed findings and
        manual ones stay, and a detection identical to a reviewed finding is not proposed again.
        """
        self.ws.membership.require("expert", "PII review")
        config = config or self.settings().detection_config()
        with self.ws.reader() as s:
            original = self._original(self._document(s, document_id))
        spans = detect(original, config)  # outside the write transaction: it takes a while
        return self._store_scan(document_id, original, spans, config)

    def scan_many(self, document_ids: Iterable[int], ctx: JobContext | None = None,
                  config: DetectionConfig | None = None, workers: int | None = None) -> int:
        """``scan`` for many documents: their texts go through spaCy in batches, on every core
        (engine.privacy.batch). A job: each group of documents is stored as soon as it is scanned,
        so a cancel keeps what was done. Documents whose original is gone are skipped; returns how
        many were scanned."""
        self.ws.membership.require("expert", "PII review")
        ctx = ctx or JobContext()
        config = config or self.settings().detection_config()
        ids = list(document_ids)
        scanned = 0
        for start in range(0, len(ids), SCAN_GROUP):
            group = ids[start:start + SCAN_GROUP]
            with self.ws.reader() as s:
                originals = {d: doc.original_text for d in group
                             if (doc := self._document(s, d)).original_text is not None}
            part = ctx.sub(start / len(ids), min(1.0, (start + len(group)) / len(ids)))
            found = detect_many(list(originals.values()), config, workers or default_workers(), part)
            for (document_id, original), spans in zip(originals.items(), found, strict=True):
                self._store_scan(document_id, original, spans, config)
            scanned += len(originals)
            ctx.report(min(1.0, (start + len(group)) / len(ids)), f"Scanned {scanned} of {len(ids)} documents")
        return scanned

    def _store_scan(self, document_id: int, original: str, spans: list[Span],
                    config: DetectionConfig) -> list[FindingInfo]:
        with self.ws.unit() as s:
            self._forget_freed_space(s)
            doc = self._document(s, document_id)
            if doc.original_text != original:
                raise NotReady(f"document {document_id} changed while it was being scanned; scan it again")
            existing = list(s.scalars(select(PiiFinding).where(PiiFinding.document_id == document_id)))
            stale = [f for f in existing if f.source == DETECTOR and f.decision == PENDING]
            for f in stale:
                s.delete(f)
            reviewed = {(f.entity_type, f.start, f.end) for f in existing if f not in stale}
            new = [PiiFinding(document_id=document_id, entity_type=sp.entity_type, start=sp.start,
                              end=sp.end, score=sp.score, source=DETECTOR, decision=PENDING)
                   for sp in spans if (sp.entity_type, sp.start, sp.end) not in reviewed]
            s.add_all(new)
            doc.status = SCANNED
            self.ws.audit.record(s, "pii.scanned", f"document:{document_id}", {
                "counts": _counts(f.entity_type for f in new), "new_findings": len(new),
                "replaced_pending": len(stale), "kept_reviewed": len(existing) - len(stale),
                "config": config.summary()})
            s.flush()
            return self._findings(s, document_id)

    # -- reviewing ------------------------------------------------------------
    def decide(self, finding_id: int, decision: str) -> FindingInfo:
        self.ws.membership.require("expert", "PII review")
        if decision not in DECISIONS:
            raise InvalidDecision(f"a finding is either {ACCEPTED!r} or {REJECTED!r}, not {decision!r}")
        with self.ws.unit() as s:
            self._forget_freed_space(s)
            finding, doc = self._finding(s, finding_id)
            previous = finding.decision
            if previous != decision:
                finding.decision = decision
                finding.decided_by = self.ws.identity.os_user
                finding.decided_at = now()
                finding.placeholder = None
                self._reopen_if_cleared(doc)
                self.ws.audit.record(s, "pii.decided", f"finding:{finding_id}", {
                    "document_id": doc.id, "entity_type": finding.entity_type, "start": finding.start,
                    "end": finding.end, "source": finding.source, "decision": decision,
                    "previous": previous})
            return finding_info(finding)

    def accept_all(self, document_id: int, entity_type: str | None = None) -> int:
        """Accept every pending finding of the document (of one type if given); returns how many."""
        self.ws.membership.require("expert", "PII review")
        with self.ws.unit() as s:
            self._forget_freed_space(s)
            return self._accept_pending(s, document_id, entity_type, automatic=False)

    def add_manual(self, document_id: int, start: int, end: int, entity_type: str) -> int:
        """Mark ``original_text[start:end]`` as PII the detector missed (accepted at once)."""
        self.ws.membership.require("expert", "PII review")
        entity = entity_type_for(entity_type)
        if not entity:
            raise InvalidSpan("a PII span needs an entity type, e.g. PERSON")
        with self.ws.unit() as s:
            self._forget_freed_space(s)
            doc = self._document(s, document_id)
            original = self._original(doc)
            if not 0 <= start < end <= len(original):
                raise InvalidSpan(f"span {start}-{end} does not fit document {document_id} "
                                  f"({len(original)} characters)")
            if not original[start:end].strip():
                raise InvalidSpan(f"span {start}-{end} of document {document_id} is only whitespace")
            finding = PiiFinding(document_id=document_id, entity_type=entity, start=start, end=end,
                                 score=1.0, source=MANUAL, decision=ACCEPTED,
                                 decided_by=self.ws.identity.os_user, decided_at=now())
            s.add(finding)
            if doc.status == IMPORTED:
                doc.status = SCANNED
            self._reopen_if_cleared(doc)
            s.flush()
            self.ws.audit.record(s, "pii.added", f"finding:{finding.id}", {
                "document_id": document_id, "entity_type": entity, "start": start, "end": end})
            return finding.id

    def reopen(self, finding_id: int) -> FindingInfo:
        """Undo a decision: the finding is pending again (the document needs review again)."""
        self.ws.membership.require("expert", "PII review")
        with self.ws.unit() as s:
            self._forget_freed_space(s)
            finding, doc = self._finding(s, finding_id)
            previous = finding.decision
            if previous != PENDING:
                finding.decision, finding.decided_by, finding.decided_at = PENDING, None, None
                finding.placeholder = None
                self._reopen_if_cleared(doc)
                self.ws.audit.record(s, "pii.reopened", f"finding:{finding_id}", {
                    "document_id": doc.id, "entity_type": finding.entity_type, "start": finding.start,
                    "end": finding.end, "previous": previous})
            return finding_info(finding)

    def remove_manual(self, finding_id: int) -> None:
        """Take back a span a person added (e.g. to undo it); detector findings are rejected instead."""
        self.ws.membership.require("expert", "PII review")
        with self.ws.unit() as s:
            self._forget_freed_space(s)
            finding, doc = self._finding(s, finding_id)
            if finding.source != MANUAL:
                raise InvalidDecision(f"finding {finding_id} was found by the detector; reject it instead")
            self._reopen_if_cleared(doc)
            self.ws.audit.record(s, "pii.removed", f"finding:{finding_id}", {
                "document_id": doc.id, "entity_type": finding.entity_type, "start": finding.start,
                "end": finding.end})
            s.delete(finding)

    # -- redacting ------------------------------------------------------------
    def redact_document(self, document_id: int, operators: Mapping[str, str] | None = None) -> str:
        """Apply the accepted findings; store and return the redacted text."""
        self.ws.membership.require("expert", "redaction")
        redacted = self._redact(document_id, operators)
        self._truncate_wal()
        return redacted

    def scan_and_clear(self, document_ids: Iterable[int], ctx: JobContext,
                       config: DetectionConfig | None = None) -> int:
        """Scan (in batches, ``scan_many``), accept everything the detector found and redact.

        For the automated demo pipeline: nobody reviews the findings, and the audit log
        says so (``pii.bulk_accepted`` with ``automatic: true``). Documents already
        redacted whose original is gone are skipped. Returns how many were cleared.
        """
        self.ws.membership.require("expert", "PII review")
        ids = list(document_ids)
        with self.ws.reader() as s:
            waiting = {d: doc.source_name for d in ids if (doc := self._document(s, d)).original_text is not None}
        self.scan_many(list(waiting), ctx.sub(0.0, 0.7), config)
        cleared = 0
        try:
            for i, (document_id, name) in enumerate(waiting.items()):
                ctx.step(0.7 + 0.3 * i / len(waiting), f"Redacting {name}")
                with self.ws.unit() as s:
                    self._forget_freed_space(s)
                    self._accept_pending(s, document_id, None, automatic=True)
                self._redact(document_id, None)
                cleared += 1
        finally:
            if cleared:
                self._truncate_wal()
        ctx.report(1.0, f"Cleared {cleared} of {len(ids)} documents")
        return cleared

    def forget_freed_pages(self) -> None:
        """After a unit that deleted personal data with secure delete on: empty the write-ahead log too."""
        self._truncate_wal()

    # -- internals ----------------------------------------------------------
    def _redact(self, document_id: int, operators: Mapping[str, str] | None) -> str:
        keep_original = self.keep_originals()
        if operators is None:
            operators = self.settings().operators
        with self.ws.unit() as s:
            self._forget_freed_space(s)
            doc = self._document(s, document_id)
            original = self._original(doc)
            rows = self._rows(s, document_id)
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
            self.ws.audit.record(s, "pii.redacted", f"document:{document_id}", {
                "applied": len(accepted), "counts": _counts(f.entity_type for f in accepted),
                "rejected": len(rows) - len(accepted), "original_kept": keep_original,
                "operators": dict(sorted((operators or {}).items())),
                "redacted_sha256": hashlib.sha256(result.text.encode("utf-8")).hexdigest()})
            return result.text

    def _accept_pending(self, s: Session, document_id: int, entity_type: str | None,
                        automatic: bool) -> int:
        doc = self._document(s, document_id)
        self._original(doc)
        stmt = select(PiiFinding).where(PiiFinding.document_id == document_id,
                                        PiiFinding.decision == PENDING)
        if entity_type is not None:
            stmt = stmt.where(PiiFinding.entity_type == entity_type)
        rows = list(s.scalars(stmt))
        if not rows:
            return 0
        stamp = now()
        for f in rows:
            f.decision, f.decided_by, f.decided_at = ACCEPTED, self.ws.identity.os_user, stamp
        self.ws.audit.record(s, "pii.bulk_accepted", f"document:{document_id}", {
            "accepted": len(rows), "entity_type": entity_type, "automatic": automatic,
            "counts": _counts(f.entity_type for f in rows)})
        return len(rows)

    @staticmethod
    def _document(s: Session, document_id: int) -> Document:
        doc = s.get(Document, document_id)
        if doc is None:
            raise RecordNotFound(f"there is no document {document_id} in this workspace")
        return doc

    def _finding(self, s: Session, finding_id: int) -> tuple[PiiFinding, Document]:
        """A finding whose decision may still change (its document's original is there)."""
        finding = s.get(PiiFinding, finding_id)
        if finding is None:
            raise RecordNotFound(f"there is no PII finding {finding_id}")
        doc = self._document(s, finding.document_id)
        self._original(doc)
        return finding, doc

    @staticmethod
    def _original(doc: Document) -> str:
        if doc.original_text is None:
            raise NotReady(f"document {doc.id} was redacted and its original text discarded; "
                           "its PII findings can no longer change")
        return doc.original_text

    @staticmethod
    def _reopen_if_cleared(doc: Document) -> None:
        """A changed decision makes the stored redaction stale: the document needs redacting again."""
        if doc.status == CLEARED:
            doc.status = SCANNED

    @staticmethod
    def _rows(s: Session, document_id: int) -> list[PiiFinding]:
        return list(s.scalars(select(PiiFinding).where(PiiFinding.document_id == document_id)
                              .order_by(PiiFinding.start, PiiFinding.end, PiiFinding.id)))

    def _findings(self, s: Session, document_id: int) -> list[FindingInfo]:
        return [finding_info(f) for f in self._rows(s, document_id)]

    @staticmethod
    def _forget_freed_space(s: Session) -> None:
        """Zero whatever this transaction frees, so old copies of a document's text do not linger."""
        s.execute(text("PRAGMA secure_delete=ON"))

    def _truncate_wal(self) -> None:
        """Fold the write-ahead log into the database and empty it (it holds old page images)."""
        raw = self.ws.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cur.fetchone()
            cur.close()
        finally:
            raw.close()
        if busy and busy[0]:
            log.warning("the write-ahead log could not be truncated now (another connection is reading); "
                        "old page images stay in it until the next checkpoint")


def _counts(entity_types: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(entity_types).items()))
