"""A postal address laid out over several lines, ending with its postcode and town.

    Rafpad 36            Unit 5126 Box 8588      Flat 6
    9217 UM              DPO AE 73731            Christian Roads
    Bosch en Duin                                Trevormouth
                                                 SP8P 4NY

Whatever the street looks like, an address block has a shape: a short line holding a house number
(or a flat), up to two more short lines, then a line with a postcode (and usually the town). The
whole block is one STREET_ADDRESS span; a country on its last line is cut off (not personal data).
A line with a colon (a form label) or more than six words never starts a block.

The same shape on one line (tenth round): a street part with a house number, a comma, then a postcode and
a town: "Kapucinske 9, 67212 Cres", "Carrera 90 # 4-8, 504460 Gamarra", "14, Jln 3, 98232 Taman Hartamas",
"6362 Willie Squares Apt. 842, 64951 Jenniferside". The street part is made of capitalised words, numbers
and a few small words; a part before a comma must hold a number, so a name before the address ("Anna Berg,
...") is not taken into it; a month before a year ("March 3, 2024 Berlin") is a date, not an address.
"""

from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from engine.privacy.not_personal import BRANDS
from engine.privacy.places import is_country_or_region
from engine.privacy.recognizers.address_parts import POSTCODE, TOWN, TOWN_LINE
from engine.privacy.recognizers.pattern_table import PatternTable

# A short line with a number in it and no colon: "Rafpad 36", "Okrová 14", "Unit 5126 Box 8588"
_STREET_LINE = r"(?=[^\n:]{0,60}\d)(?=[^\n:]*\p{Lu})[^\S\n]*(?:[^\s:]+[^\S\n]+){0,5}[^\s:]+[^\S\n]*"
# A short line of words (a street without a number, a district, a town): "Christian Roads"
_WORD_LINE = r"[^\S\n]*\p{Lu}[^\n:]{0,40}"
_LAST_LINE = (rf"[^\S\n]*(?:{POSTCODE}[^\S\n]*\n[^\S\n]*{TOWN}|{TOWN_LINE}|{POSTCODE}"
              rf"|{TOWN}[ \t]*[A-Z]{{1,2}}[ \t]+\d{{5}})[^\S\n]*")


# One line (tenth round). A word of a street part: a capitalised word, an abbreviation or initials ("Jl.",
# "K.MARKS"), a house number ("12a", "08/125", "4-8", "156-A", "27J", "B06", "16th"), "#", "No.", "N°", or a
# small word inside street names, street types written in lower case among them ("0305 rue Marianne")
_NUMBER_WORD = r"(?:\d{1,5}(?:st|nd|rd|th|[A-Za-z])?(?:[/\-](?:\d{1,5}[A-Za-z]?|[A-Z]))*\.?|\p{Lu}\d{1,4}[A-Za-z]?)"
_PART_WORD = (rf"(?:\p{{Lu}}[\p{{L}}'’\-]*(?:\.\p{{Lu}}[\p{{L}}'’\-]*)*\.?|{_NUMBER_WORD}|#|N[°º]\.?|No\.|H\.No\."
              r"|de|del|la|le|di|da|do|dos|das|van|von|der|den|y|e|rue|avenue|boulevard|chemin|allée|montée|rang"
              r"|place|impasse|quai|calle|carrera|ulica|cesta|steza|đường|phố|số|ngõ|hẻm|khu)")
_SEGMENT = rf"{_PART_WORD}(?:[ \t]+{_PART_WORD}){{0,5}}"
_NUMBERED_SEGMENT = rf"(?:{_PART_WORD}[ \t]+){{0,6}}{_NUMBER_WORD}(?:[ \t]+{_PART_WORD}){{0,5}}"
_COMMA = r"[ \t]*,[ \t]*"  # "Puerta 9 , 45767 Soria": Spanish forms leave a space before it
# Postcodes of more countries, here only, where a street part and a comma come first: Chile's seven digits,
# a US ZIP+4, Canada's without its space, Azerbaijan's "AZ1000"
_ONE_LINE_POSTCODE = rf"(?:{POSTCODE}|\d{{7,8}}|\d{{5}}-\d{{4}}|[A-Z]\d[A-Z][ \t]?\d[A-Z]\d|AZ[ \t]?\d{{4}})"
_MONTH_THEN_YEAR = regex.compile(
    r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[ \t]+\d{1,2}(?:st|nd|rd|th)?,[ \t]*"
    r"(?:19|20)\d\d\b")


# The street part holds a word, not only numbers: "door 32, 99880 Port James" is no street of "32"
_WORD_IN_STREET = regex.compile(r"\p{L}{2}")


# Words of products, documents and counts, not of streets: "Windows 11, 2023 Edition", "Galaxy S21, 2022
# Model", "Chapter 3, 1984 Edition" ("Room", "Level" and "Phase" open addresses: "Level 7, 92 Terewhero Road")
_NOT_STREET_WORDS = frozenset({
    "version", "chapter", "page", "step", "table", "figure", "item", "order", "invoice", "ticket", "model",
    "edition", "release", "series", "season", "section", "grade", "class", "stage", "round", "week", "day", "year",
    "month", "hour", "minute", "question", "answer", "option", "plan", "tier", "slot", "participants", "users",
})
_LETTERS = regex.compile(r"\p{L}+")


def _one_line_address(value: str) -> bool:
    """A word in the street part, no month before a year, and no word of a product, a document or a count."""
    street = value.rpartition(",")[0]
    words = {w.casefold() for w in _LETTERS.findall(value)}
    return (_WORD_IN_STREET.search(street) is not None and _MONTH_THEN_YEAR.search(value) is None
            and not words & (_NOT_STREET_WORDS | BRANDS))


class PostalBlockRecognizer(PatternTable):
    ENTITY: ClassVar[str] = "STREET_ADDRESS"
    FLAGS: ClassVar[int] = regex.MULTILINE

    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("numbered line, up to two more lines, postcode line",
         rf"^{_STREET_LINE}(?:\n{_WORD_LINE}){{0,2}}\n{_LAST_LINE}$", 0.6),
        ("one line: a numbered street part, a comma, postcode and town (tenth round)",
         rf"(?<![\p{{L}}\d,.\-/#]){_NUMBERED_SEGMENT}(?:{_COMMA}{_NUMBERED_SEGMENT}){{0,2}}(?:{_COMMA}{_SEGMENT})?"
         rf"{_COMMA}{_ONE_LINE_POSTCODE}[ \t]+{TOWN}", 0.5),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("address", "deliver", "ship", "send", "to")

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        results: list[RecognizerResult] = super().analyze(text, entities, nlp_artifacts, regex_flags)
        results = [r for r in results if "\n" in text[r.start:r.end] or _one_line_address(text[r.start:r.end])]
        for r in results:
            block = text[r.start:r.end].rstrip()
            head, _, last = block.rpartition("\n")
            if head and is_country_or_region(last):
                r.end = r.start + len(head.rstrip())
        return results
