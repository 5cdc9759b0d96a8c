"""Phone numbers written in international format (+CC ...), whatever the country.

presidio's phone recognizer asks libphonenumber whether a number is valid for a
few regions, so numbers from unallocated ranges or other countries slip through
("+44 20 5402 3586"). A number in international format is personal data whether
or not its range is allocated, so this recognizer accepts any "+" followed by
8 to 15 digits in the usual groupings, with an extension ("x204", "ext. 12") where one follows.
"""

from __future__ import annotations

import re
from typing import ClassVar

from engine.privacy.recognizers.nearby_cue import CueBoostedTable

EXTENSION = r"(?:[ \t]?(?:x|ext\.?|extension)[ \t]?\d{1,6})?"


_FOUR_BY_FOUR = re.compile(r"00\d\d(?:[ \-]\d{4}){3}")


def digits_before_extension(number: str) -> int:
    """How many digits the number has, leaving out an extension ("x204", "ext. 12")."""
    return sum(ch.isdigit() for ch in re.split(r"[ \t]?(?:x|ext)", number, maxsplit=1)[0])


class InternationalPhoneRecognizer(CueBoostedTable):
    ENTITY: ClassVar[str] = "PHONE_NUMBER"
    MIN_DIGITS: ClassVar[int] = 8
    MAX_DIGITS: ClassVar[int] = 15

    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("plus, country code (bracketed or not), groups: +41 44 123 45 67, +(370) 85413628, (+370) 8541 3628",
         rf"(?<![\w+])(?:\(\+\d{{1,3}}\)|\+(?:\d{{1,3}}|\(\d{{1,3}}\)))"
         rf"(?:[ .\-/]?\(?\d{{1,5}}\)?){{2,6}}{EXTENSION}(?![\w])", 0.6),
        ("00 prefix, country code, groups (a slash after the area code as German and Austrian numbers have it; the"
         " subscriber's number in one run of up to eight digits): 0049 30/1234567, 0049 6221 7499496",
         rf"(?<![\w+])00\d{{1,3}}[ .\-]\(?\d{{1,5}}\)?(?:[ .\-/]\(?\d{{1,5}}\)?){{0,4}}[ .\-/]\(?\d{{1,8}}\)?"
         rf"{EXTENSION}(?![\w/])", 0.5),
        ("00 prefix and the whole number in one run: 0097042621096 (an ID as often: weak without a cue)",
         r"(?<![\w+.\-/])00[1-9]\d{8,12}(?![\w\-/]|[.,]\d)", 0.3),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("phone", "call", "tel", "mobile", "cell", "reach", "fax", "contact")

    def validate_result(self, pattern_text: str) -> bool | None:
        """False drops the match; None keeps the pattern's score (True would raise it to 1.0)."""
        if _FOUR_BY_FOUR.fullmatch(pattern_text):
            return False  # "0048 6958 1549 6600": a serial's or a card's layout, no telephone number's
        digits = digits_before_extension(pattern_text) - (2 if pattern_text.startswith("00") else 0)  # "00" = "+"
        return None if self.MIN_DIGITS <= digits <= self.MAX_DIGITS else False
