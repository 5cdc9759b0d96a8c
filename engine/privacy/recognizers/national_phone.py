"""Phone numbers written the national way, without a country code.

presidio's phone recognizer keeps only numbers libphonenumber calls valid for a
few regions, so US numbers with an unassigned area code ("733-218-6543") and
most European national numbers ("0243809336", "030 1234567") are missed. This
recognizer takes the North American layout (3-3-4 with brackets, dots or
dashes, optionally a leading "1-" and an extension) on its own, and bare digit
runs (8 to 12 digits in one run or in groups: Nordic numbers have eight) only
where a word like "phone" or "call" is near: without that context their score
stays under the threshold. Six and seven digits: ``short_phone.py``.
"""

from __future__ import annotations

from typing import ClassVar

from engine.privacy.cue_words import PHONE_WORDS
from engine.privacy.recognizers.international_phone import EXTENSION, digits_before_extension
from engine.privacy.recognizers.nearby_cue import CueBoostedTable


class NationalPhoneRecognizer(CueBoostedTable):
    ENTITY: ClassVar[str] = "PHONE_NUMBER"
    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("North American 3-3-4",
         rf"(?<![\w+.\-])(?:1[.\-]|1[ \t](?=\())?(?:\(\d{{3}}\)[ \t]?|\d{{3}}[.\-])\d{{3}}[.\-]\d{{4}}{EXTENSION}"
         r"(?![\w\-]|\.\d)", 0.5),
        ("eight to twelve digits in one run", r"(?<![\w+.\-])\d{8,12}(?![\w\-]|[.,]\d)", 0.25),
        ("two groups of four, not two years: 4415 6637, 9738.6969",
         r"(?<![\w+.\-,])(?!(?:19|20)\d\d[ .\-](?:19|20)\d\d)\d{4}[ .\-]\d{4}(?![\w\-]|[.,]\d)", 0.2),
        ("leading 0, groups", r"(?<![\w+.\-])0\d{1,4}(?:[ /\-]?\d{2,5}){1,4}(?![\w\-]|[.,]\d)", 0.25),
        ("leading 0, dotted groups, not a date: 021.123.45.67, 0721.234.567",
         r"(?<![\w+.\-])(?!\d{1,2}\.\d{1,2}\.\d{2,4}(?![.\d]))0\d{1,3}(?:\.\d{2,4}){2,4}(?![\w\-]|[.,]\d)", 0.25),
        ("area code in brackets, not a year: (0439)-150008, 8 (100) 823-86-86, not (2019) 2345",
         r"(?<![\w+.\-])(?!\((?:19|20)\d\d\))(?:[78][ \t]?)?\(\d{2,5}\)[ \t\-]?\d{2,4}(?:[ \t.\-]?\d{2,4}){1,3}"
         r"(?![\w\-]|[.,]\d)", 0.5),
        ("a trunk 0 and an area code of up to five digits in brackets, then the number: (033203) 62145,"
         " (06221) 345-678",
         r"(?<![\w+.\-])\(0\d{2,5}\)[ \t\-]?\d{2,8}(?:[ \t.\-/]\d{2,5}){0,3}(?![\w\-/]|[.,]\d)", 0.5),
        ("trunk prefix 8, ten digits in groups (ru/ua): 8 157 245 1958",
         r"(?<![\w+.\-])8[ \t\-]"
         r"\d{3}[ \t\-]\d{3}(?:[ \t\-]\d{2}[ \t\-]\d{2}|[ \t\-]\d{4})(?![\w\-]|[.,]\d)", 0.45),
        ("trunk prefix 8, a three-digit code and five digits (Lithuania): 8 612 34567, 8-612-34567 (twelfth round)",
         r"(?<![\w+.\-])8[ \t\-]\d{3}[ \t\-]\d{5}(?![\w\-]|[.,]\d)", 0.45),
        ("trunk prefix 8 and an area code in one pair of brackets: (8 5) 212 3456, (8 37) 32 12 34 (twelfth round)",
         r"(?<![\w+.\-])\(8[ \t]\d{1,3}\)[ \t]?\d{2,3}(?:[ \t\-]?\d{2,4}){1,2}(?![\w\-]|[.,]\d)", 0.45),
        ("an area code and the number split by a space, nine to eleven digits: 210 1708301, 30 12345678"
         " (tenth round)",
         r"(?<![\w+.\-,/])(?=\d{2,4}[ \t]\d{6,8}(?!\d))(?:\d[ \t]?){9,11}(?<=\d)(?![\w\-]|[.,]\d)", 0.2),
        ("two groups, eight or nine digits: 90-752227, 287.48759, 10.055739",
         r"(?<![\w+.\-,/])\d{2,3}[.\-/]\d{5,6}(?![\w\-]|[.,]\d)", 0.2),
        ("pairs joined by dashes (Denmark, Norway): 12-34-56-78",
         r"(?<![\w+.\-,])\d{2}(?:-\d{2}){3,4}(?![\w\-]|[.,]\d)", 0.2),
        ("digits in groups of two to four: 608 919 667, 32 939 46 81",
         r"(?<![\w+.\-,])\d{2,4}(?:[ \t]\d{2,4}){2,4}(?![\w\-]|[.,]\d)", 0.2),
    )
    # the words that mean a telephone, and a few that come with phone numbers more often than not here
    CONTEXT: ClassVar[tuple[str, ...]] = (*PHONE_WORDS, "contact", "number", "try", "voicemail", "hotline",
                                          "helpline", "text", "queries", "enquiries", "inquiries", "kontakt",
                                          "puhelin")

    def validate_result(self, pattern_text: str) -> bool | None:
        """Eight to twelve digits; thirteen after a trunk 0 in brackets, as an Argentine mobile number from within
        its area has them: "(011) 15-4123-4567" (twelfth round)."""
        longest = 13 if pattern_text.startswith("(0") else 12
        return None if 8 <= digits_before_extension(pattern_text) <= longest else False
