"""Six- and seven-digit national numbers of small countries: "75 65 88", "980 85 78", "4 903 82".

Luxembourg, Liechtenstein, Iceland and others write local numbers with six or seven digits in groups.
So few digits are taken only in three groups, or seven in one run (sixth round) or in groups of three
and four (tenth round), and only where a word
that means a phone is among the
last few words ("Tel: 75 65 88", "reached on 183 63 47"): "number" and "contact" are not enough, since
order and ticket numbers come with them. Without such a word the candidate stays under the threshold
(``contact_lines`` keeps it where it follows a name directly). A colon beside the number hides it only
with a digit on its other side, a time's (eleventh round, as in ``cued_phone``).
"""

from __future__ import annotations

from typing import ClassVar

from engine.privacy.cue_words import PHONE_WORDS
from engine.privacy.recognizers.nearby_cue import CueBoostedTable


class ShortNationalPhoneRecognizer(CueBoostedTable):
    ENTITY: ClassVar[str] = "PHONE_NUMBER"
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("six or seven digits in three groups: 75 65 88, 980 85 78, 4 903 82, 248 1 020",
         r"(?<![\w+.\-,/]|\d:)\d{1,3}[ .\-]\d{1,3}[ .\-]\d{2,3}(?![\w\-/]|[.,:]\d)", 0.2),
        ("seven digits in two groups, three and four, after a phone word: Tel.: 583 3667, call 555-0142"
         " (tenth round); not a postcode before its town: 541-0122 Matsuda-shi",
         r"(?<![\w+.\-,/]|\d:)\d{3}[ .\-]\d{4}(?![\w\-/]|[.,:]\d|(?-i:[ \t]+\p{Lu}\p{Ll}))", 0.1),
        ("seven digits in one run after a phone word: landline 8009219, call me on 8008605",
         # not a postcode before its town: "106 Of. 841, 9216970 Toltén"
         r"(?<![\w+.\-,/]|\d:)\d{7}(?![\w\-/]|[.,:]\d|(?-i:[ \t]+\p{Lu}\p{Ll}))", 0.1),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = PHONE_WORDS
    CONTACT_LABELS: ClassVar[bool] = False  # "Office: 1 234 567 EUR" is an amount

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if 6 <= sum(ch.isdigit() for ch in pattern_text) <= 7 else False
