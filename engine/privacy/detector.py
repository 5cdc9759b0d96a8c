"""``detect``: text in, the PII spans a careful reviewer would mark out.

presidio (with our recognizers) proposes candidates; this module applies the
workspace's choices: score thresholds, ignored entity types, its own ID
patterns, deny and allow lists; then settles overlapping candidates
(``engine.privacy.spans``). Long texts are analysed in chunks cut at line breaks
so spaCy's length limit and memory never come into play.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, NamedTuple

import regex

from engine.privacy.address_blocks import addresses_under_names
from engine.privacy.contact_lines import names_after_phones, names_before_phones, phones_after_names
from engine.privacy.letterheads import letterhead_names
from engine.privacy.name_columns import column_names
from engine.privacy.name_echoes import echoes, names_in_addresses
from engine.privacy.name_lists import bulleted_names, listed_names
from engine.privacy.not_personal import a_piece_of_a_longer_number, inside_a_longer_number, judge_model_guess
from engine.privacy.phone_rows import (
    names_a_document,
    national_numbers_in_prose,
    phones_alone_on_a_line,
    phones_beside_contact_data,
    phones_closing_a_label_line,
    phones_in_brackets_after_a_role,
    phones_in_record_rows,
    phones_like_found_ones,
    phones_with_call_times,
)
from engine.privacy.policy import EntityPolicy
from engine.privacy.spans import (
    NER_SOURCES,
    Span,
    card_shaped_phones,
    cards_read_as_bare_phones,
    checksum_coincidences,
    entity_type_for,
    is_not_a_name,
    is_only_digits_and_punctuation,
    not_a_licence,
    not_a_phone,
    numbers_inside_addresses,
    resolve_overlaps,
    split_ner_span,
    ssn_shaped_phones,
)

if TYPE_CHECKING:
    from presidio_analyzer import RecognizerResult

    from engine.privacy.recognizers.deny_list import DenyListRecognizer
    from engine.privacy.recognizers.workspace_pattern import WorkspacePatternRecognizer

    UserRecognizer = WorkspacePatternRecognizer | DenyListRecognizer

__all__ = ["CustomPattern", "DetectionConfig", "Span", "detect", "detect_batch", "refine"]

DEFAULT_THRESHOLD = 0.4
CHUNK_CHARS = 100_000
# Trailing characters a URL recognizer swallows from the sentence around it.
URL_TRAILING = ".,;:!?'\")]}>"


class CustomPattern(NamedTuple):
    """A workspace ID pattern: a name (becomes the entity type) and a regular expression."""

    name: str
    regex: str


@dataclass(frozen=True)
class DetectionConfig:
    default_threshold: float = DEFAULT_THRESHOLD
    thresholds: Mapping[str, float] = field(default_factory=dict)  # entity type -> minimum score
    custom_patterns: Sequence[tuple[str, str]] = ()  # (name, regex); CustomPattern fits
    deny_list: Sequence[str] = ()
    deny_list_entity: str = "DENY_LIST"
    allow_list: Sequence[str] = ()
    # the default entity policy's "ignore" types (countries and states), unless a config says otherwise
    ignore_entities: Sequence[str] = field(default_factory=lambda: EntityPolicy().ignored())

    def threshold_for(self, entity_type: str) -> float:
        return self.thresholds.get(entity_type, self.default_threshold)

    def summary(self) -> dict[str, object]:
        """What may be written to the audit log: no list contents (they name people)."""
        return {
            "default_threshold": self.default_threshold,
            "thresholds": dict(sorted(self.thresholds.items())),
            "custom_patterns": sorted(name for name, _ in self.custom_patterns),
            "deny_list_terms": len(self.deny_list),
            "allow_list_terms": len(self.allow_list),
            "ignored": sorted(self.ignore_entities),
        }


def build_recognizers(config: DetectionConfig) -> list[UserRecognizer]:
    """The per-call recognizers for the config's own patterns and deny list."""
    from engine.privacy.recognizers.deny_list import DenyListRecognizer
    from engine.privacy.recognizers.workspace_pattern import WorkspacePatternRecognizer

    recognizers: list[UserRecognizer] = [WorkspacePatternRecognizer(name, rx)
                                           for name, rx in config.custom_patterns]
    if any(term.strip() for term in config.deny_list):
        entity = entity_type_for(config.deny_list_entity) or DenyListRecognizer.DEFAULT_ENTITY
        recognizers.append(DenyListRecognizer(config.deny_list, entity))
    return recognizers


def detect(text: str, config: DetectionConfig | None = None) -> list[Span]:
    """Every PII span in ``text``, non-overlapping and sorted by start."""
    config = config or DetectionConfig()
    if not text.strip():
        return []
    from engine.privacy import analyzer
    from engine.privacy.recognizers.deny_list import DenyListRecognizer

    ad_hoc = build_recognizers(config)
    candidates: list[Span] = []
    for offset, chunk in _chunks(text, CHUNK_CHARS):
        candidates.extend(_spans(analyzer.analyze(chunk, ad_hoc), offset))
    return refine(text, candidates, config, user_sources=frozenset(r.source for r in ad_hoc),
                  deny_source=DenyListRecognizer.SOURCE)


def detect_batch(texts: Sequence[str], config: DetectionConfig | None = None) -> list[list[Span]]:
    """``detect`` for many texts at once (spaCy sees them as one stream); same spans, less time."""
    config = config or DetectionConfig()
    from engine.privacy import analyzer
    from engine.privacy.recognizers.deny_list import DenyListRecognizer

    out: list[list[Span]] = [[] for _ in texts]
    short = [i for i, t in enumerate(texts) if t.strip() and len(t) <= CHUNK_CHARS]
    for i, t in enumerate(texts):
        if len(t) > CHUNK_CHARS:
            out[i] = detect(t, config)
    if short:
        ad_hoc = build_recognizers(config)
        users = frozenset(r.source for r in ad_hoc)
        for i, results in zip(short, analyzer.analyze_batch([texts[i] for i in short], ad_hoc), strict=True):
            out[i] = refine(texts[i], _spans(results, 0), config, user_sources=users,
                            deny_source=DenyListRecognizer.SOURCE)
    return out


def _spans(results: Iterable[RecognizerResult], offset: int) -> list[Span]:
    spans = []
    for r in results:
        source = str((r.recognition_metadata or {}).get("recognizer_name", "presidio"))
        spans.append(Span(r.entity_type, offset + r.start, offset + r.end, float(r.score), source))
    return spans


def refine(text: str, candidates: Iterable[Span], config: DetectionConfig,
           user_sources: Set[str] = frozenset(), deny_source: str = "deny_list") -> list[Span]:
    """Apply the config to raw candidates, then settle overlaps; sorted by start.

    Drops ignored types and scores under their threshold, trims whitespace, drops
    PERSON spans with no letter in them (unless the user's own recognizers found
    them) and allow-listed values (unless deny-listed too: redacting is the safe side).
    """
    ignored = {e.strip().upper() for e in config.ignore_entities}
    allowed = {" ".join(w.split()).casefold() for w in config.allow_list if w.strip()}
    kept: list[Span] = []
    weak_phones: list[Span] = []  # under the threshold: kept only beside a name (contact_lines)
    weak_cards: list[Span] = []  # under the threshold: kept only where a bare phone reading took the digits
    for span in (piece for c in candidates for piece in _pieces(text, c, user_sources)):
        trimmed = _trim(text, span)
        if trimmed is not None and trimmed.source in NER_SOURCES:
            trimmed = judge_model_guess(text, trimmed)
        if trimmed is None or trimmed.entity_type in ignored:
            continue
        if trimmed.score < config.threshold_for(trimmed.entity_type):
            if (trimmed.entity_type == "PHONE_NUMBER" and trimmed.source not in NER_SOURCES
                    and config.threshold_for("PHONE_NUMBER") <= DEFAULT_THRESHOLD
                    and not not_a_phone(text[trimmed.start:trimmed.end]) and not names_a_document(text, trimmed.start)):
                weak_phones.append(trimmed)
            elif trimmed.entity_type == "CREDIT_CARD" and config.threshold_for("CREDIT_CARD") <= DEFAULT_THRESHOLD:
                weak_cards.append(trimmed)
            continue
        value = text[trimmed.start:trimmed.end]
        if trimmed.entity_type == "PERSON" and trimmed.source not in user_sources and (
                is_only_digits_and_punctuation(value) or is_not_a_name(text, trimmed)):
            continue
        if trimmed.entity_type == "PHONE_NUMBER" and (not_a_phone(value) or (
                trimmed.source not in user_sources and names_a_document(text, trimmed.start))):
            continue
        if trimmed.entity_type == "DATE_TIME" and inside_a_longer_number(text, trimmed):
            continue
        if trimmed.entity_type == "US_DRIVER_LICENSE" and not_a_licence(value):
            continue
        if trimmed.entity_type in ("US_DRIVER_LICENSE", "US_BANK_NUMBER") and a_piece_of_a_longer_number(text, trimmed):
            continue
        if trimmed.source != deny_source and " ".join(value.split()).casefold() in allowed:
            continue
        kept.append(trimmed)
    # an NHS number that is a phone number's digits: the phone reading wins, also a weak one
    coincidences = [*checksum_coincidences(text, [*kept, *weak_phones]), *ssn_shaped_phones(text, kept)]
    rescued = [replace(p, score=max(p.score, 0.5)) for p in weak_phones if any(p.overlaps(c) for c in coincidences)]
    # a postcode read as a phone, a card number said to be one: no phone reading to rescue
    coincidences += [*numbers_inside_addresses(kept), *card_shaped_phones(text, kept)]
    bare_phones, cards = cards_read_as_bare_phones(text, kept, weak_cards)
    coincidences += bare_phones
    settled = resolve_overlaps([*(s for s in kept if s not in coincidences), *rescued, *cards], user_sources)
    if "PERSON" in ignored:
        return settled
    if "PHONE_NUMBER" not in ignored:
        for naming in (names_before_phones, names_after_phones):
            named, replaced = naming(text, settled, weak_phones)
            settled = [*(s for s in settled if s not in replaced), *named]
    for vouching in (names_in_addresses, letterhead_names, bulleted_names, listed_names, column_names, echoes):
        found, replaced = vouching(text, settled)
        settled = [*(s for s in settled if s not in replaced), *found]
    if "STREET_ADDRESS" not in ignored:
        found, replaced = addresses_under_names(text, settled)
        settled = [*(s for s in settled if s not in replaced), *found]
    if "PHONE_NUMBER" not in ignored:
        for phones in (phones_after_names, phones_in_record_rows, phones_like_found_ones, phones_alone_on_a_line,
                       phones_beside_contact_data, phones_with_call_times, national_numbers_in_prose,
                       phones_closing_a_label_line, phones_in_brackets_after_a_role):
            settled.extend(phones(text, settled, weak_phones))
    return sorted(settled, key=lambda s: (s.start, s.end))


def _pieces(text: str, span: Span, user_sources: Set[str]) -> list[Span]:
    return [span] if span.source in user_sources else split_ner_span(text, span)


# A list's separators the model takes into a name at its end: "Amy Jones /" in "Landlord: Amy Jones / 056 ..."
_LIST_SEPARATORS = frozenset("/|·•–—-,;:")


# A number's first group that is the minutes of a time before it ("14:15 0612 ..."), with the space after it
_MINUTES_OF_A_TIME = regex.compile(r"(?<=(?<!\d)(?:[01]?\d|2[0-3])[:.])[0-5]\d[ \t]+(?=\d)")


def _trim(text: str, span: Span) -> Span | None:
    """Drop surrounding whitespace, unbalanced brackets, punctuation a URL took from the sentence, list
    separators at the end of the model's guesses and the minutes of a time opening a phone number."""
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace()
                           or (span.entity_type == "URL" and text[end - 1] in URL_TRAILING)
                           or (span.source in NER_SOURCES and text[end - 1] in _LIST_SEPARATORS)):
        end -= 1
    if end - start > 1 and text[start] == "(" and ")" not in text[start:end]:
        start += 1  # "(052-58-2226": the bracket belongs to the sentence
    if end - start > 1 and text[end - 1] == ")" and "(" not in text[start:end]:
        end -= 1
    if span.entity_type == "PHONE_NUMBER" and (minutes := _MINUTES_OF_A_TIME.match(text, start, end)) is not None:
        start = minutes.end()  # "Ring 14:15 0612 345 678": the minutes belong to the time (twelfth round)
        if sum(ch.isdigit() for ch in text[start:end]) < 6:
            return None
    if end <= start:
        return None
    return span if (start, end) == (span.start, span.end) else replace(span, start=start, end=end)


def _chunks(text: str, size: int) -> Iterator[tuple[int, str]]:
    """Pieces of at most ``size`` characters, cut after a line break (else a space) where possible."""
    start = 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = window.rfind("\n", size // 2)
        if cut < 0:
            cut = window.rfind(" ", size // 2)
        end = start + (cut + 1 if cut >= 0 else size)
        yield start, text[start:end]
        start = end
    yield start, text[start:]
