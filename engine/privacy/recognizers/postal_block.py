"""A postal address laid out over several lines, ending with its postcode and town.

    Rafpad 36            Unit 5126 Box 8588      Flat 6
    9217 UM              DPO AE 73731            Christian Roads
    Bosch en Duin                                Trevormouth
                                                 SP8P 4NY

Whatever the street looks like, an address block has a shape: a short line holding a house number
(or a flat), up to two more short lines, then a line with a postcode (and usually the town). The
whole block is one STREET_ADDRESS span; a country on its last line is cut off (not personal data).
A line with a colon (a form label) or more than six words never starts a block.
"""

from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from engine.privacy.places import is_country_or_region
from engine.privacy.recognizers.address_parts import POSTCODE, TOWN, TOWN_LINE
from engine.privacy.recognizers.pattern_table import PatternTable

# A short line with a number in it and no colon: "Rafpad 36", "Okrová 14", "Unit 5126 Box 8588"
_STREET_LINE = r"(?=[^\n:]{0,60}\d)(?=[^\n:]*\p{Lu})[^\S\n]*(?:[^\s:]+[^\S\n]+){0,5}[^\s:]+[^\S\n]*"
# A short line of words (a street without a number, a district, a town): "Christian Roads"
_WORD_LINE = r"[^\S\n]*\p{Lu}[^\n:]{0,40}"
_LAST_LINE = (rf"[^\S\n]*(?:{POSTCODE}[^\S\n]*\n[^\S\n]*{TOWN}|{TOWN_LINE}|{POSTCODE}"
              rf"|{TOWN}[ \t]*[A-Z]{{1,2}}[ \t]+\d{{5}})[^\S\n]*")


class PostalBlockRecognizer(PatternTable):
    ENTITY: ClassVar[str] = "STREET_ADDRESS"
    FLAGS: ClassVar[int] = regex.MULTILINE

    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("numbered line, up to two more lines, postcode line",
         rf"^{_STREET_LINE}(?:\n{_WORD_LINE}){{0,2}}\n{_LAST_LINE}$", 0.6),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("address", "deliver", "ship", "send", "to")

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        results: list[RecognizerResult] = super().analyze(text, entities, nlp_artifacts, regex_flags)
        for r in results:
            block = text[r.start:r.end].rstrip()
            head, _, last = block.rpartition("\n")
            if head and is_country_or_region(last):
                r.end = r.start + len(head.rstrip())
        return results
