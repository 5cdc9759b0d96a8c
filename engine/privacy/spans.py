"""Detected spans and how overlapping detections are settled.

Recognizers disagree: the URL recognizer sees "example.com" inside an e-mail
address, the small spaCy model reads the last digits of an IBAN as a date. A
human reviewer would keep the e-mail and the IBAN and forget the rest, and
where two detections genuinely overlap would mark one stretch covering both,
named after the more trustworthy of the two. That is what ``resolve_overlaps``
does, judging "more trustworthy" first by the kind of evidence (the user's own
patterns and deny list, then checksummed or strictly formatted identifiers,
then other patterns, then the statistical NER model), then by whether a span
covers the whole stretch, then by score, then by length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field, replace

from engine.privacy.cue_words import CARD_WORDS, PHONE_WORDS, any_word

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
# Recognizers whose names, places and dates are the statistical model's guesses; a name our own
# cue patterns found ("Reporter: Anna Schmidt") is pattern evidence and outranks them.
NER_SOURCES = frozenset({"SpacyRecognizer", "presidio"})


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
    if span.entity_type in NER_ENTITIES and span.source in NER_SOURCES:
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
    """The strongest kind of evidence names the stretch; within it, a span covering the whole stretch
    beats a fragment of it (a phone number over the digits of it a checksum happens to accept)."""
    start = min(s.start for s in group)
    end = max(s.end for s in group)
    best = max(group, key=lambda s: (tier(s, user_sources), (s.start, s.end) == (start, end), s.score, s.length))
    return best if (best.start, best.end) == (start, end) else replace(best, start=start, end=end)


def is_only_digits_and_punctuation(value: str) -> bool:
    """True for "12/03", "+49 (0)", "--": nothing a name could be made of."""
    return not any(ch.isalpha() for ch in value)


# A name, place or date never runs across a line, a table cell, a comma or a bracket; spaCy's entities
# sometimes do ("Samuel Gibson;samuel.gibson@mail.com;0163..." in a semicolon table).
# a dash between spaces too: "James White - 4415 6637" (the model runs the name into the number), and
# a gap of two spaces or more (the cells of a table laid out with spaces)
_NER_BREAKS = re.compile(r"[\n\t;|<>\[\]()]+|,(?! ?(?:Jr|Sr)\b)|[ \t][-–—](?:[ \t]|\Z)| {2,}")
_NOT_IN_A_NAME = re.compile(r"[\d@/=_#]")
_NAMED_ENTITIES = frozenset({"PERSON", "LOCATION", "NRP", "ORGANIZATION"})


# Recognizers whose names hold a comma by design ("NOVAK, Petra") and never cross a line: not cut
WHOLE_NAME_SOURCES = frozenset({"PersonFormsRecognizer", "PersonShapeRecognizer"})


def split_ner_span(text: str, span: Span) -> list[Span]:
    """A statistical entity cut at line, cell and bracket boundaries. For names (of people, places,
    groups) pieces holding digits, "@" or "/" and pieces with no capital letter are dropped."""
    if (span.entity_type not in NER_ENTITIES or span.source in WHOLE_NAME_SOURCES
            or not _NER_BREAKS.search(text, span.start, span.end)):
        return [span]
    pieces: list[Span] = []
    at = span.start
    for brk in [*_NER_BREAKS.finditer(text, span.start, span.end), None]:
        stop = brk.start() if brk else span.end
        value = text[at:stop]
        if value.strip() and not (span.entity_type in _NAMED_ENTITIES and (
                _NOT_IN_A_NAME.search(value) or not any(ch.isupper() for ch in value))):
            pieces.append(replace(span, start=at, end=stop))
        if brk:
            at = brk.end()
    return pieces


# Recognizers whose names stand before a colon at a line's start by design (chat speakers)
SPEAKER_SOURCES = frozenset({"ChatSpeakerRecognizer"})


def is_not_a_name(text: str, span: Span) -> bool:
    """A one-word "person" that is an acronym ("IBAN", "SSN") or a form label at a line's start ("Mobile:")."""
    value = text[span.start:span.end]
    if " " in value.strip() or span.source in SPEAKER_SOURCES:
        return False
    if len(value) > 1 and value.isupper():
        return True
    line_start = text.rfind("\n", 0, span.start) + 1
    return text[span.end:span.end + 1] == ":" and not text[line_start:span.start].strip()


# An IPv4 address: four parts of 0-255, the first without a leading zero. "021.123.45.67" is a national
# number written with dots, "22.523.10.567" no address either (ninth round): both may be phone numbers.
IPV4 = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|[01]?\d?\d)){3}"
_DOTTED_QUAD = re.compile(IPV4)


# Six digits in three groups split by spaces: a small country's number ("75 65 88"), not an amount or a date
_SIX_IN_GROUPS = re.compile(r"\d{1,3}(?: \d{2,3}){2}")


# A date written day.month.year or year-month-day: "05.12.2026", "5/12/2026", "2026-12-05"
_DATE = re.compile(r"(?:0?[1-9]|[12]\d|3[01])([./\-])(?:0?[1-9]|1[0-2])\1(?:19|20)\d\d"
                   r"|(?:19|20)\d\d([./\-])(?:0?[1-9]|1[0-2])\2(?:0?[1-9]|[12]\d|3[01])")


def not_a_phone(value: str) -> bool:
    """An amount or a year ("3398.88", "2025") is no phone number: those have at least 7 digits
    (six only in three groups split by spaces, "75 65 88").
    Nor is an IPv4 address ("120.48.103.14"), which presidio's phone matcher sometimes accepts, or a
    date ("05.12.2026")."""
    digits = sum(ch.isdigit() for ch in value)
    if digits == 6 and _SIX_IN_GROUPS.fullmatch(value):
        return False
    return digits < 7 or _DOTTED_QUAD.fullmatch(value) is not None or _DATE.fullmatch(value) is not None


def not_a_licence(value: str) -> bool:
    """presidio's US driver's licence patterns take a letter and a digit ("v5" of "Firmware v5.2.8"); no
    state issues a licence number shorter than four characters."""
    return len(value.replace("-", "").replace(" ", "")) < 4


def checksum_coincidences(text: str, spans: list[Span]) -> list[Span]:
    """UK NHS numbers that are really phone numbers: a ten-digit phone number passes the NHS
    check digit one time in eleven. Without the word "NHS" just before it, the phone reading wins."""
    phones = [s for s in spans if s.entity_type == "PHONE_NUMBER"]
    return [s for s in spans if s.entity_type == "UK_NHS" and "nhs" not in text[max(0, s.start - 40):s.start].lower()
            and any(s.overlaps(p) for p in phones)]


# The words that make a 3-2-4 number a social security number whatever else it could be
_SSN_WORDS = re.compile(r"(?i)\b(?:ssn|ss#|social[ \t]+security|soc\.?[ \t]*sec|itin|taxpayer)")


def ssn_shaped_phones(text: str, kept: Sequence[Span]) -> list[Span]:
    """US SSNs that are phone numbers said to be ones: "it's me again - 528-66-2528, call back". presidio
    reads every 3-2-4 number as an SSN; where a phone cue found the same number (a kept phone span over
    exactly its digits) and no SSN word stands before it, the phone reading wins (tenth round)."""
    phones = {(s.start, s.end) for s in kept if s.entity_type == "PHONE_NUMBER"}
    return [s for s in kept if s.entity_type == "US_SSN" and (s.start, s.end) in phones
            and _SSN_WORDS.search(text, max(0, s.start - 40), s.start) is None]


_CARD_WORDS = any_word(CARD_WORDS)
_PHONE_WORDS = any_word(PHONE_WORDS)


def card_shaped_phones(text: str, kept: Sequence[Span]) -> list[Span]:
    """Phone readings of a card number: "Payment card number 060413557889" (a twelve-digit Maestro reads like a
    phone with its trunk 0, and "number" raises the phone reading), "Jade Wood;586257532604;..." (twelve digits
    in one run read as a national number). Where a Luhn-valid card span covers exactly the same digits, no phone
    word stands near, and a card word stands among the last 40 characters (or an expiry date follows) or the digits
    are one run of twelve or more with no "+" before it, the card reading wins (eleventh and twelfth rounds)."""
    cards = {(s.start, s.end) for s in kept if s.entity_type == "CREDIT_CARD"}
    return [s for s in kept if s.entity_type == "PHONE_NUMBER" and (s.start, s.end) in cards and _no_phone_word(text, s)
            and (_said_to_be_a_card(text, s)
                 or (s.length >= 12 and text[s.start:s.end].isdigit() and not text[:s.start].endswith("+")))]


def cards_read_as_bare_phones(text: str, kept: Sequence[Span],
                              weak_cards: Sequence[Span]) -> tuple[list[Span], list[Span]]:
    """A twelve-digit Maestro number with no word around it: "Anna Storey;060466665845;pconnor@example.org".
    Its card reading (0604, Luhn-valid) stays under the threshold without a card word, and presidio's bare
    phone reading (0.4, no cue raised it) took the digits. Where a weak card reading covers exactly the same
    digits, no phone word stands near, and no cue raised the phone reading or a card word stands among the last
    40 characters or an expiry date or security code follows ("Cardholder: Ms Stacey Wade\nNumber: 060413557889",
    "number" raising the phone reading), the
    card reading is the likelier one (twelfth round). Returns the phone readings to drop and the card readings
    to keep."""
    phones = {(s.start, s.end): s for s in kept if s.entity_type == "PHONE_NUMBER"}
    pairs = [(phones[(c.start, c.end)], c) for c in weak_cards if (c.start, c.end) in phones and _no_phone_word(text, c)
             and (phones[(c.start, c.end)].score < 0.5 or _said_to_be_a_card(text, c))]
    return [p for p, _c in pairs], [replace(c, score=0.5) for _p, c in pairs]


# What follows a card number on a card's record: its expiry or security code (twelfth round)
_CARD_AFTER = re.compile(r"(?i)\b(?:exp(?:iry|ires|iration)?\b\.?|valid[ \t]+(?:thru|through|until|to)\b|cvv2?\b|cvc\b"
                         r"|security[ \t]+code\b)")


def _said_to_be_a_card(text: str, span: Span) -> bool:
    """A card word among the 40 characters before ``span``, or its expiry or security code among the 30 after."""
    return (_CARD_WORDS.search(text, max(0, span.start - 40), span.start) is not None
            or _CARD_AFTER.search(text, span.end, span.end + 30) is not None)


def _no_phone_word(text: str, span: Span) -> bool:
    """No phone word among the 40 characters before ``span`` or the 20 after it."""
    return (_PHONE_WORDS.search(text, max(0, span.start - 40), span.start) is None
            and _PHONE_WORDS.search(text, span.end, span.end + 20) is None)


def numbers_inside_addresses(kept: Sequence[Span]) -> list[Span]:
    """Phone readings of a postcode or house number inside a found address block: "057-0009" of "2-11-9
    Sato-cho\n057-0009 Saito-shi". A phone outranks an address when they overlap, so the block came out as one
    phone number; a reading that no cue raised (presidio's bare 0.4) and that the address wholly holds gives way
    (eleventh round)."""
    addresses = [s for s in kept if s.entity_type == "STREET_ADDRESS" and s.score >= 0.6]
    return [s for s in kept if s.entity_type == "PHONE_NUMBER" and s.score < 0.5
            and any(a.start <= s.start and s.end <= a.end and a.length > s.length for a in addresses)]


def place_guesses_within(spans: Sequence[Span], start: int, end: int) -> list[Span] | None:
    """The spans overlapping ``text[start:end]`` when every one is the model's place guess (LOCATION, NRP)
    inside it, to be replaced by a name found there; None when any other span overlaps it."""
    inside = [s for s in spans if s.start < end and start < s.end]
    if all(s.source in NER_SOURCES and s.entity_type in ("LOCATION", "NRP") and start <= s.start and s.end <= end
           for s in inside):
        return inside
    return None


def lines_with_offsets(text: str) -> list[tuple[int, str]]:
    """Each line of ``text`` with the offset it starts at."""
    out, at = [], 0
    for line in text.split("\n"):
        out.append((at, line))
        at += len(line) + 1
    return out


# What splits the cells of a row pasted as text; a comma last, since prose has commas too
CELL_DELIMITERS = (";", "\t", "|", ",")


def line_around(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the line that holds ``text[start:end]``, its line break left out."""
    line_end = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, len(text) if line_end < 0 else line_end


def whole_cell(text: str, start: int, end: int) -> tuple[int, int, str] | None:
    """(line start, line end, delimiter) where ``text[start:end]`` is a whole cell of a delimited row (a line
    with two or more of one delimiter; quotes and spaces around the cell allowed), else None."""
    line_start, line_end = line_around(text, start, end)
    before, after = text[line_start:start], text[end:line_end]
    for delimiter in CELL_DELIMITERS:
        if text.count(delimiter, line_start, line_end) < 2:
            continue
        cell_end = after.find(delimiter)
        if not before[before.rfind(delimiter) + 1:].strip(" \"'") and not (
                after if cell_end < 0 else after[:cell_end]).strip(" \"'"):
            return line_start, line_end, delimiter
    return None


@dataclass
class NameClaims:
    """The PERSON spans a pass over found spans adds, and the model's place guesses they replace."""

    source: str
    found: list[Span] = field(default_factory=list)
    replaced: list[Span] = field(default_factory=list)

    def claim(self, against: Sequence[Span], start: int, end: int, score: float) -> bool:
        """A PERSON over ``text[start:end]`` where nothing in ``against`` overlaps it but the model's place
        guesses inside it, which it replaces; False (nothing added) where anything else overlaps it."""
        guesses = place_guesses_within(against, start, end)
        if guesses is None:
            return False
        self.found.append(Span("PERSON", start, end, score, self.source))
        self.replaced.extend(guesses)
        return True

    def result(self) -> tuple[list[Span], list[Span]]:
        return self.found, self.replaced
