"""IBANs of every country, checked by their mod-97 check digits.

presidio's IBAN recognizer knows each country's exact layout, so numbers from countries it does not
list, or written with unusual grouping, are missed. Any two letters, two check digits and 11 to 30
letters or digits (together or in groups of four) whose ISO 13616 check works out is an account
number, whatever the country: the check leaves about one chance in a hundred for a random string.
"""

from __future__ import annotations

from typing import ClassVar

from engine.privacy.recognizers.pattern_table import PatternTable


def iban_checksum_ok(value: str) -> bool:
    compact = "".join(value.split()).upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    moved = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1


class IbanAnyCountryRecognizer(PatternTable):
    ENTITY: ClassVar[str] = "IBAN_CODE"
    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("together", r"(?<![\w])[A-Z]{2}\d{2}[A-Z0-9]{11,30}(?![\w])", 0.6),
        ("groups of four", r"(?<![\w])[A-Z]{2}\d{2}(?:[ ][A-Z0-9]{4}){2,7}(?:[ ][A-Z0-9]{1,3})?(?![\w])", 0.6),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("iban", "account", "bank", "transfer", "konto")

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if iban_checksum_ok(pattern_text) else False
