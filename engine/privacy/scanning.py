"""Scanning documents for PII (behind ``Workspace.privacy.scan``, ``scan_many`` and ``scan_and_clear``).

Detection runs outside any write transaction (it takes a while); then each document's findings
are stored in a unit of their own, audited with counts and types only. Pending detector findings
are replaced; reviewed and manual ones stay, and a detection identical to a reviewed finding is
not proposed again. A document whose original changed meanwhile is refused, not overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.errors import NotReady
from engine.jobs import JobContext
from engine.privacy import records
from engine.privacy.batch import default_workers, detect_many
from engine.privacy.detector import DetectionConfig, detect
from engine.privacy.findings import DETECTOR, PENDING, SCANNED, FindingInfo
from engine.privacy.spans import Span
from engine.store.models import PiiFinding

if TYPE_CHECKING:
    from engine.store.workspace_store import WorkspaceStore

SCAN_GROUP = 32  # documents read, scanned and stored together by scan_many


def scan(db: WorkspaceStore, document_id: int, config: DetectionConfig) -> list[FindingInfo]:
    """Detect PII in one document's original text; all its findings afterwards."""
    with db.reader() as s:
        original = records.original(records.document(s, document_id))
    spans = detect(original, config)  # outside the write transaction: it takes a while
    return store(db, document_id, original, spans, config)


def scan_many(db: WorkspaceStore, ids: list[int], ctx: JobContext, config: DetectionConfig, workers: int | None) -> int:
    """Scan the documents a group at a time, each group stored as soon as it is scanned (so a cancel
    keeps what was done); those whose original is gone are skipped. How many were scanned."""
    scanned = 0
    for start in range(0, len(ids), SCAN_GROUP):
        group = ids[start:start + SCAN_GROUP]
        with db.reader() as s:
            originals = {d: doc.original_text for d in group
                         if (doc := records.document(s, d)).original_text is not None}
        part = ctx.sub(start / len(ids), min(1.0, (start + len(group)) / len(ids)))
        found = detect_many(list(originals.values()), config, workers or default_workers(), part)
        for (document_id, original), spans in zip(originals.items(), found, strict=True):
            store(db, document_id, original, spans, config)
        scanned += len(originals)
        ctx.report(min(1.0, (start + len(group)) / len(ids)), f"Scanned {scanned} of {len(ids)} documents")
    return scanned


def scan_and_clear(db: WorkspaceStore, ids: list[int], ctx: JobContext, config: DetectionConfig,
                   clear: Callable[[int], None]) -> int:
    """Scan the documents that still have their original, then ``clear`` each (accept what was found
    and redact); the write-ahead log is emptied after. How many were cleared."""
    with db.reader() as s:
        waiting = {d: doc.source_name for d in ids if (doc := records.document(s, d)).original_text is not None}
    scan_many(db, list(waiting), ctx.sub(0.0, 0.7), config, None)
    cleared = 0
    try:
        for i, (document_id, name) in enumerate(waiting.items()):
            ctx.step(0.7 + 0.3 * i / len(waiting), f"Redacting {name}")
            clear(document_id)
            cleared += 1
    finally:
        if cleared:
            records.truncate_wal(db.engine)
    ctx.report(1.0, f"Cleared {cleared} of {len(ids)} documents")
    return cleared


def store(db: WorkspaceStore, document_id: int, original: str, spans: list[Span],
          config: DetectionConfig) -> list[FindingInfo]:
    """Store one document's detections (see the module's rules); all its findings afterwards."""
    with db.unit() as s:
        records.forget_freed_space(s)
        doc = records.document(s, document_id)
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
        db.audit.record(s, "pii.scanned", f"document:{document_id}", {
            "counts": records.counts(f.entity_type for f in new), "new_findings": len(new),
            "replaced_pending": len(stale), "kept_reviewed": len(existing) - len(stale),
            "config": config.summary()})
        s.flush()
        return records.findings(s, document_id)
