"""A surname or given name that repeats a name found elsewhere in the same text.

Once a text has named "Caridad Escobedo", a later "Escobedo agreed" or "Caridad said" is the same
person, whatever the sentence around it; the small model and the cue patterns often miss such a
word on its own. Each word of a found name of two or more words, or of one word a cue introduced
(capitalised, three letters or more, not a particle or a label word) is looked for elsewhere in the
text, as a whole word with the same capitalisation. Every occurrence not already inside a finding
becomes a PERSON finding, and so does one the model read as a place on exactly that word (a
reviewer would not keep "Escobedo" as a place once "Caridad Escobedo" is in the text).

An e-mail address echoes a name as well: "naomi.ampadu@example.com" in a CV's header makes the line
"NAOMI AMPADU" above it a name (``names_in_addresses``).
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from engine.privacy.not_personal import LABEL_WORDS
from engine.privacy.spans import NER_SOURCES, Span

SOURCE = "NameEcho"
_WORD = regex.compile(r"\p{Lu}\p{Ll}{2,}(?:-\p{Lu}\p{Ll}+)?")
_NOT_ECHOED = frozenset({"the", "and", "van", "von", "der", "den", "del", "della", "dos", "das", "mr", "mrs", "dr",
                         "prof", "dear", "hello", "thanks", "regards", "best", "team", "support"})


# Recognizers that find a one-word name only where the text introduces it as a name ("Hi Lucy,")
CUE_SOURCES = frozenset({"PersonCueRecognizer", "PersonRoleRecognizer", "ChatSpeakerRecognizer",
                         "PersonFormsRecognizer"})


def name_words(value: str, introduced: bool = False) -> list[str]:
    """The words of a name worth finding again: "Caridad Escobedo" -> ["Caridad", "Escobedo"]; a name
    of one word only where a cue introduced it (``introduced``)."""
    words = [w for w in _WORD.findall(value) if w.casefold() not in _NOT_ECHOED and w.casefold() not in LABEL_WORDS]
    return words if introduced or len(value.split()) >= 2 else []


def _place_guess(span: Span) -> bool:
    return span.source in NER_SOURCES and span.entity_type in ("LOCATION", "NRP")


def echoes(text: str, spans: Sequence[Span]) -> tuple[list[Span], list[Span]]:
    """PERSON spans for the other occurrences of the words of each multi-word PERSON span, and the
    model's place guesses on exactly those words, which the PERSON spans replace."""
    people = [s for s in spans if s.entity_type == "PERSON"]
    words = {w: s.score for s in people for w in name_words(text[s.start:s.end], s.source in CUE_SOURCES)}
    if not words:
        return [], []
    found: list[Span] = []
    replaced: list[Span] = []
    pattern = regex.compile(r"(?<![\p{L}\d@.])(?:" + "|".join(map(regex.escape, words)) + r")(?![\p{L}\d])")
    for m in pattern.finditer(text):
        overlapping = [s for s in spans if s.start < m.end() and m.start() < s.end]
        if all(_place_guess(s) and (s.start, s.end) == m.span() for s in overlapping):
            found.append(Span("PERSON", m.start(), m.end(), words[m.group()], SOURCE))
            replaced.extend(overlapping)
    return found, replaced


def names_in_addresses(text: str, spans: Sequence[Span]) -> tuple[list[Span], list[Span]]:
    """PERSON spans for words that spell a found e-mail address's local part ("NAOMI AMPADU" beside
    naomi.ampadu@example.com), in either order and any case, and the model's place guesses on them."""
    found: list[Span] = []
    replaced: list[Span] = []
    for address in (s for s in spans if s.entity_type == "EMAIL_ADDRESS"):
        local = text[address.start:address.end].split("@")[0]
        parts = [p for p in regex.split(r"[._\-+]+", regex.sub(r"\d+", "", local)) if len(p) >= 2]
        if len(parts) < 2 or len(parts) > 3:
            continue
        orders = {tuple(parts), tuple(reversed(parts))}
        pattern = "|".join(r"[ \t]+".join(map(regex.escape, order)) for order in orders)
        for m in regex.finditer(rf"(?<![\p{{L}}\d@.])(?i:{pattern})(?![\p{{L}}\d@])", text):
            if not m.group()[:1].isupper():
                continue
            overlapping = [s for s in spans if s.start < m.end() and m.start() < s.end]
            if all(_place_guess(s) and m.start() <= s.start and s.end <= m.end() for s in overlapping):
                found.append(Span("PERSON", m.start(), m.end(), 0.6, SOURCE))
                replaced.extend(overlapping)
    return found, replaced
