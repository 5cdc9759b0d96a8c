"""The privacy service's rows, read and written with care: documents, their findings, and forgetting.

Shared by the service (reviewing, redacting) and by scanning. A document whose original text was
dropped can no longer change its findings; a unit that deletes personal data zeroes what it frees
(SQLite's ``secure_delete``), and the write-ahead log is emptied after it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from engine.errors import NotReady
from engine.privacy.errors import RecordNotFound
from engine.privacy.findings import FindingInfo, finding_info
from engine.store.models import Document, PiiFinding

log = logging.getLogger(__name__)


def document(s: Session, document_id: int) -> Document:
    doc = s.get(Document, document_id)
    if doc is None:
        raise RecordNotFound(f"there is no document {document_id} in this workspace")
    return doc


def original(doc: Document) -> str:
    if doc.original_text is None:
        raise NotReady(f"document {doc.id} was redacted and its original text discarded; "
                       "its PII findings can no longer change")
    return doc.original_text


def rows(s: Session, document_id: int) -> list[PiiFinding]:
    return list(s.scalars(select(PiiFinding).where(PiiFinding.document_id == document_id)
                          .order_by(PiiFinding.start, PiiFinding.end, PiiFinding.id)))


def findings(s: Session, document_id: int) -> list[FindingInfo]:
    return [finding_info(f) for f in rows(s, document_id)]


def counts(entity_types: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(entity_types).items()))


def forget_freed_space(s: Session) -> None:
    """Zero whatever this transaction frees, so old copies of a document's text do not linger."""
    s.execute(text("PRAGMA secure_delete=ON"))


def truncate_wal(engine: Engine) -> None:
    """Fold the write-ahead log into the database and empty it (it holds old page images)."""
    raw = engine.raw_connection()
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
