"""What the Documents list and the document viewer show: one row per document, and a document's
text with its personal-data spans located in that text. Read-only; reached through ``ws.documents``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from engine.privacy.findings import FindingInfo
from engine.store.models import Document, PiiFinding

if TYPE_CHECKING:
    from engine.privacy.service import PrivacyService
    from engine.store.workspace_store import WorkspaceStore


@dataclass(frozen=True)
class DocumentRow:
    id: int
    name: str
    format: str
    size_bytes: int
    status: str
    findings: int
    imported_at: datetime


@dataclass(frozen=True)
class TextSpan:
    start: int
    end: int
    entity_type: str


@dataclass(frozen=True)
class DocumentText:
    """The text a reviewer may see, with the PII spans located in that text."""

    document_id: int
    text: str
    redacted: bool
    spans: tuple[TextSpan, ...] = ()


def document_rows(store: WorkspaceStore) -> list[DocumentRow]:
    counts = (select(PiiFinding.document_id, func.count().label("n"))
              .group_by(PiiFinding.document_id).subquery())
    stmt = (select(Document, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.document_id == Document.id)
            .order_by(Document.imported_at.desc(), Document.id.desc()))
    with store.reader() as s:
        return [DocumentRow(d.id, d.source_name, d.format, d.size_bytes, d.status, int(n),
                            d.imported_at) for d, n in s.execute(stmt)]


def placeholder_spans(text: str, found: list[FindingInfo]) -> list[TextSpan]:
    """Where each finding's placeholder stands in a redacted text."""
    types = {f.placeholder: f.entity_type for f in found if f.placeholder}
    spans: list[TextSpan] = []
    for placeholder, entity_type in types.items():
        at = text.find(placeholder)
        while at >= 0:
            spans.append(TextSpan(at, at + len(placeholder), entity_type))
            at = text.find(placeholder, at + len(placeholder))
    return sorted(spans, key=lambda t: t.start)


def document_text(store: WorkspaceStore, privacy: PrivacyService, document_id: int) -> DocumentText | None:
    """The redacted text with its placeholders marked, or, while the original is
    still kept (under review), the original with the detected spans marked."""
    with store.reader() as s:
        doc = s.get(Document, document_id)
        if doc is None:
            return None
        redacted, original = doc.redacted_text, doc.original_text
    found = privacy.findings(document_id)
    if redacted is not None:
        return DocumentText(document_id, redacted, True, tuple(placeholder_spans(redacted, found)))
    text = original or ""
    spans = [TextSpan(f.start, f.end, f.entity_type) for f in found
             if 0 <= f.start < f.end <= len(text) and f.decision != "rejected"]
    return DocumentText(document_id, text, False, tuple(spans))
