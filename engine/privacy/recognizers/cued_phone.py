"""Phone numbers in any grouping, right after a word that means a telephone.

Numbering plans group their digits every way: "50338 047", "5367-63-20", "2 3297 542", "8755/66 195".
``national_phone`` takes the common groupings anywhere a cue is near; this recognizer takes any grouping
of eight to twelve digits (a first group of one to five digits, then one to five groups of two to five,
joined by spaces, dashes, dots or slashes), but only where a word that means a telephone and nothing
else stands among the last ``WINDOW`` words: "Tel.: 50338 047", "ring 5913 26 46 after six".
"number" and "contact" are not such words (order, ticket and account numbers come with them). Dates
(12.03.2024, 2024-03-12, 2024/11/0345), spans of years (2019-2023), time ranges (10.30-12.45) and dotted
quads that can be an IP address (every part 0-255) are never taken. A colon touching the number parts it
from a time only where a digit stands on its other side ("10:30 45 ..."); a vCard's "TEL;TYPE=cell:1 55 12627"
and an SMS's "SMS to 65-1239-25: your ..." keep their number (eleventh round).
Without the cue the candidate scores under the threshold; ``contact_lines`` may still keep it where it
follows a found name directly.
"""

from __future__ import annotations

from typing import ClassVar

from engine.privacy.cue_words import PHONE_WORDS
from engine.privacy.recognizers.nearby_cue import CueBoostedTable
from engine.privacy.spans import IPV4

WINDOW = 4
_NOT_A_PHONE = (r"(?!\d{1,2}[./\-]\d{1,2}[./\-](?:19|20)\d\d(?!\d)|(?:19|20)\d\d[./\-]\d{1,2}[./\-]"
                r"|(?:19|20)\d\d[ \t]?[\-/][ \t]?(?:19|20)\d\d(?!\d)"
                r"|\d{1,2}[.:]\d{2}[ \t]?-[ \t]?\d{1,2}[.:]\d{2}(?!\d)"
                r"|" + IPV4 + r"(?![\d.]))")


class CuedPhoneRecognizer(CueBoostedTable):
    ENTITY: ClassVar[str] = "PHONE_NUMBER"
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("eight to twelve digits in any grouping, after a phone word: Tel.: 50338 047, 5367-63-20",
         rf"(?<![\w+.\-,/]|\d:){_NOT_A_PHONE}\d{{1,5}}(?:(?:[ \t]|[ \t]?[.\-/][ \t]?)\d{{2,5}}){{1,5}}"
         r"(?![\w\-/]|[.,:]\d)", 0.1),
    )
    # No presidio context words: its enhancer would look further back than WINDOW words.
    CUES: ClassVar[tuple[str, ...]] = PHONE_WORDS
    CUE_WINDOW: ClassVar[int] = WINDOW

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if 8 <= sum(ch.isdigit() for ch in pattern_text) <= 12 else False
