"""``redact``: replace PII spans with typed placeholders, consistent within one text.

The same value of the same type gets the same placeholder every time it occurs
("Anna Schmidt" is ``<PERSON_1>`` throughout; the next person is
``<PERSON_2>``), so the redacted text still reads as a story about the same
people. Values are compared ignoring case and runs of whitespace. Per entity
type another operator can be chosen: ``mask`` (``*`` for every character, line
breaks kept) or ``hash`` (``<PERSON:`` + the first 10 hex digits of the value's
sha256 + ``>``), the latter stable across documents.

The value-to-placeholder map exists only inside one call; what comes back holds
placeholders and offsets, never an original value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.privacy.errors import InvalidSpan, UnknownOperator
from engine.privacy.spans import Span

PLACEHOLDER = "placeholder"
MASK = "mask"
HASH = "hash"
OPERATORS = (PLACEHOLDER, MASK, HASH)
ANY_ENTITY = "*"  # key in ``operators`` for every type not named there
HASH_HEX_DIGITS = 10


@dataclass(frozen=True)
class RedactedSpan:
    """Where one input span was, and what replaced it.

    ``start``/``end`` are the span's offsets in the original text;
    ``redacted_start``/``redacted_end`` locate its replacement in the redacted
    text. Spans that overlapped were replaced together and share one
    replacement (and its entity type).
    """

    entity_type: str
    start: int
    end: int
    placeholder: str
    operator: str
    redacted_start: int
    redacted_end: int


@dataclass(frozen=True)
class Redacted:
    text: str
    spans: tuple[RedactedSpan, ...]  # one per input span, in the order given

    def placeholders(self) -> list[str]:
        """Distinct replacements in order of appearance."""
        seen: dict[str, None] = {}
        for span in sorted(self.spans, key=lambda s: s.redacted_start):
            seen.setdefault(span.placeholder, None)
        return list(seen)


@dataclass
class _Region:
    start: int
    end: int
    members: list[int]  # indexes into the input spans


def operator_for(entity_type: str, operators: Mapping[str, str] | None) -> str:
    if not operators:
        return PLACEHOLDER
    op = operators.get(entity_type, operators.get(ANY_ENTITY, PLACEHOLDER))
    if op not in OPERATORS:
        raise UnknownOperator(f"unknown redaction operator {op!r} for {entity_type}; "
                              f"choose one of {', '.join(OPERATORS)}")
    return op


def redact(text: str, spans: Sequence[Span], operators: Mapping[str, str] | None = None) -> Redacted:
    """Replace every span of ``text``; overlapping spans are replaced as one stretch."""
    for span in spans:
        if not 0 <= span.start < span.end <= len(text):
            raise InvalidSpan(f"span {span.start}-{span.end} ({span.entity_type}) lies outside "
                              f"the text ({len(text)} characters)")
        operator_for(span.entity_type, operators)  # fail before doing any work
    regions = _regions(spans)
    counters: dict[str, int] = {}
    assigned: dict[tuple[str, str], str] = {}  # (type, normalised value) -> placeholder; never leaves
    pieces: list[str] = []
    cursor = 0
    out_len = 0
    results: dict[int, RedactedSpan] = {}
    for region in regions:
        lead = max(region.members, key=lambda i: (spans[i].length, -spans[i].start, -i))
        entity = spans[lead].entity_type
        op = operator_for(entity, operators)
        value = text[region.start:region.end]
        replacement = _replacement(entity, value, op, counters, assigned)
        pieces.append(text[cursor:region.start])
        out_len += region.start - cursor
        pieces.append(replacement)
        r_start, r_end = out_len, out_len + len(replacement)
        out_len = r_end
        cursor = region.end
        for i in region.members:
            results[i] = RedactedSpan(entity, spans[i].start, spans[i].end, replacement, op, r_start, r_end)
    pieces.append(text[cursor:])
    return Redacted("".join(pieces), tuple(results[i] for i in range(len(spans))))


def _regions(spans: Sequence[Span]) -> list[_Region]:
    order = sorted(range(len(spans)), key=lambda i: (spans[i].start, -spans[i].end))
    regions: list[_Region] = []
    for i in order:
        span = spans[i]
        if regions and span.start < regions[-1].end:
            regions[-1].end = max(regions[-1].end, span.end)
            regions[-1].members.append(i)
        else:
            regions.append(_Region(span.start, span.end, [i]))
    return regions


def _replacement(entity: str, value: str, op: str, counters: dict[str, int],
                 assigned: dict[tuple[str, str], str]) -> str:
    if op == MASK:
        return "".join(ch if ch in "\r\n" else "*" for ch in value)
    if op == HASH:
        digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:HASH_HEX_DIGITS]
        return f"<{entity}:{digest}>"
    key = (entity, " ".join(value.split()).casefold())
    if key not in assigned:
        counters[entity] = counters.get(entity, 0) + 1
        assigned[key] = f"<{entity}_{counters[entity]}>"
    return assigned[key]
