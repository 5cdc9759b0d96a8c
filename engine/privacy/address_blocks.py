"""An address written under a name, as a letter's sender, a shipping label or a form's keeper writes it
(issue 17, eleventh round).

    Registered keeper:
    CONTRERAS, Segundo
    Los Copihues 790 Of. 897
    Tirúa, Región del Biobío, 0854450

Where a found PERSON fills a line, the two lines under it are an address when the first holds a house
number beside a word (a street line, in any language's layout, with or without a street-type word) and the
second a postcode beside a town (a town line). Both lines together become one STREET_ADDRESS span; the
statistical model's guesses inside them ("Raúl Flores" read as a person, "Parral" as a place) give way, and so
do weak readings of a postcode (a phone or licence number no cue raised) or of a town (a given name found by
its list alone, "Noël"). Nothing else found may overlap the two lines; a line with a label's colon, an e-mail
address or a word of a job or role ("Sales Manager, Region 4") is no street line.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from engine.privacy.name_words import ROLE_WORDS
from engine.privacy.spans import NER_SOURCES, Span

SOURCE = "AddressUnderName"
# A house number standing apart ("790", "12a", "8/25", "69/806") beside a word of two letters or more
_STREET_LINE = regex.compile(
    r"[ \t]*(?=[^\n]*\p{L}{2})(?=[^\n]*(?<![\p{L}\d.,])\d{1,5}[A-Za-z]?(?:/\d{1,5})?(?![\p{L}\d,]|\.\d))"
    r"[\p{Lu}\d][^\n:@]{2,68}")
# A postcode standing apart beside a capitalised word: "3215870 Parral", "Tirúa, Región del Biobío, 0854450",
# "AZ4533 Xankəndi", "Noël, AB H4H2H9", "41542 TP. Cần Thơ", "SW1A 1AA London"
_POSTCODE = (r"(?<![\p{L}\d.,])(?:\d{4,7}|\d{3}[ \-]\d{2,4}|\d{2}-\d{3}|[A-Z]{2}-?\d{4,5}"
             r"|[A-Z]\d[A-Z][ ]?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]?[ ]\d[A-Z]{2})(?![\p{L}\d]|[.,]\d)")
_TOWN_LINE = regex.compile(rf"[ \t]*(?=[^\n]*\p{{Lu}}\p{{Ll}})(?=[^\n]*{_POSTCODE})[^\n:@]{{3,60}}")
_WORDS = regex.compile(r"\p{L}+")
_WEAK_NUMBER_TYPES = frozenset({"PHONE_NUMBER", "US_DRIVER_LICENSE", "US_BANK_NUMBER"})


def addresses_under_names(text: str, spans: Sequence[Span]) -> tuple[list[Span], list[Span]]:
    """STREET_ADDRESS spans for a street line and a town line right under a line that a found PERSON
    fills, and the model's guesses inside them, which the new spans replace."""
    found: list[Span] = []
    replaced: list[Span] = []
    for person in (s for s in spans if s.entity_type == "PERSON"):
        line_start = text.rfind("\n", 0, person.start) + 1
        line_end = _line_end(text, person.end)
        if text[line_start:person.start].strip() or text[person.end:line_end].strip(" \t.,"):
            continue
        street_end = _line_end(text, line_end + 1)
        town_end = _line_end(text, street_end + 1)
        if (line_end >= len(text) or street_end >= len(text)
                or _STREET_LINE.fullmatch(text, line_end + 1, street_end) is None
                or _TOWN_LINE.fullmatch(text, street_end + 1, town_end) is None
                or any(w.casefold() in ROLE_WORDS for w in _WORDS.findall(text, line_end + 1, street_end))):
            continue
        start, end = _trimmed(text, line_end + 1, town_end)
        inside = [s for s in spans if s.start < end and start < s.end]
        if any(not _gives_way(s) or not (start <= s.start and s.end <= end) for s in inside):
            continue  # a cued phone, an e-mail address, a pattern's address: the lines are not free
        found.append(Span("STREET_ADDRESS", start, end, 0.6, SOURCE))
        replaced.extend(inside)
    return found, replaced


def _gives_way(span: Span) -> bool:
    """The model's guesses and the weak readings of a postcode or a street's name: a phone, licence or bank
    number no cue raised ("0854450", "3215870"), a given name found by its list alone ("Noël")."""
    return (span.source in NER_SOURCES or (span.entity_type in _WEAK_NUMBER_TYPES and span.score < 0.5)
            or (span.entity_type == "PERSON" and span.score <= 0.5))


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    return start, end
