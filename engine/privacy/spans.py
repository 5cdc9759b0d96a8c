"""Detected spans and how overlapping detections are settled.

Recognizers disagree: the URL recognizer sees "example.com" inside an e-mail
address, the small spaCy model reads the last digits of an IBAN as a date. A
human reviewer would keep the e-mail and the IBAN and forget the rest, and
where two detections genuinely overlap would mark one stretch covering both,
named after the more trustworthy of the two. That is what ``resolve_overlaps``
does, judging "more trustworthy" first by the kind of evidence (the user's own
patterns and deny list, then checksummed or strictly formatted identifiers,
then other patterns, then the statistical NER model), then by score, then by
length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Set
from dataclasses import dataclass, replace

# Evidence tiers, strongest first.
USER_TIER = 3
STRUCTURED_TIER = 2
PATTERN_TIER = 1
NER_TIER = 0

STRUCTURED_ENTITIES = frozenset({
    "EMAIL_ADDRESS", "IBAN_CODE", "CREDIT_CARD", "PHONE_NUMBER", "US_SSN", "US_ITIN",
    "US_PASSPORT", "US_BANK_NUMBER", "IP_ADDRESS", "MAC_ADDRESS", "CRYPTO", "UK_NHS", "UK_NINO",
    "MEDICAL_LICENSE",
})
NER_ENTITIES = frozenset({"PERSON", "LOCATION", "DATE_TIME", "NRP", "ORGANIZATION"})


@dataclass(frozen=True)
class Span:
    """One stretch of text that holds PII: ``text[start:end]`` is of ``entity_type``."""

    entity_type: str
    start: int
    end: int
    score: float
    source: str

    @property
    def length(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def entity_type_for(name: str) -> str:
    """A user-given name as an entity type: "employee id" -> ``EMPLOYEE_ID``."""
    return re.sub(r"[^A-Z0-9]+", "_", name.strip().upper()).strip("_")


def tier(span: Span, user_sources: Set[str] = frozenset()) -> int:
    if span.source in user_sources:
        return USER_TIER
    if span.entity_type in STRUCTURED_ENTITIES:
        return STRUCTURED_TIER
    if span.entity_type in NER_ENTITIES:
        return NER_TIER
    return PATTERN_TIER


def strength(span: Span, user_sources: Set[str] = frozenset()) -> tuple[int, float, int]:
    return (tier(span, user_sources), span.score, span.length)


def resolve_overlaps(spans: Iterable[Span], user_sources: Set[str] = frozenset()) -> list[Span]:
    """Merge every group of overlapping spans into one, typed after its strongest member.

    A span lying inside a stronger one simply disappears (the merged stretch is
    the stronger span itself); spans that only partly overlap become one span
    covering both. Touching spans (one ends where the next starts) stay apart.
    Returns spans sorted by start.
    """
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[Span] = []
    group: list[Span] = []
    group_end = -1
    for span in ordered:
        if group and span.start < group_end:
            group.append(span)
            group_end = max(group_end, span.end)
            continue
        if group:
            merged.append(_merge(group, user_sources))
        group, group_end = [span], span.end
    if group:
        merged.append(_merge(group, user_sources))
    return merged


def _merge(group: list[Span], user_sources: Set[str]) -> Span:
    best = max(group, key=lambda s: strength(s, user_sources))
    start = min(s.start for s in group)
    end = max(s.end for s in group)
    return best if (best.start, best.end) == (start, end) else replace(best, start=start, end=end)


def is_only_digits_and_punctuation(value: str) -> bool:
    """True for "12/03", "+49 (0)", "--": nothing a name could be made of."""
    return not any(ch.isalpha() for ch in value)
