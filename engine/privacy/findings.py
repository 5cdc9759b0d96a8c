"""What a reviewer sees of a PII finding: a plain, frozen copy of the stored row.

A finding records where PII is (offsets into the document's original text), of
what type, who found it (the detector or a person) and what was decided; never
the value itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.store.models import PiiFinding

# Finding sources
DETECTOR = "detector"
MANUAL = "manual"

# Review decisions
PENDING = "pending"
ACCEPTED = "accepted"
REJECTED = "rejected"
DECISIONS = (ACCEPTED, REJECTED)

# Document statuses this package reads and sets
IMPORTED = "imported"
SCANNED = "scanned"
CLEARED = "cleared"


@dataclass(frozen=True)
class FindingInfo:
    id: int
    document_id: int
    entity_type: str
    start: int
    end: int
    score: float
    source: str
    decision: str
    placeholder: str | None


def finding_info(row: PiiFinding) -> FindingInfo:
    return FindingInfo(id=row.id, document_id=row.document_id, entity_type=row.entity_type,
                       start=row.start, end=row.end, score=row.score, source=row.source,
                       decision=row.decision, placeholder=row.placeholder)
