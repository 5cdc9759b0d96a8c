"""Payment card numbers of every length the card schemes issue (12 to 19 digits).

presidio's credit-card pattern knows the classic 13-16 digit Visa, Mastercard
(5-series), Amex, Discover and Diners layouts; it misses 2-series Mastercard,
12-digit Maestro and 19-digit Visa or UnionPay numbers. This recognizer takes
any run of 12 to 19 digits starting like a card (2 to 6), written together or
in groups of 4 (Amex: 4-6-5), and keeps only those whose Luhn check digit is right; a
twelve-digit UK Maestro number opening with 0604 only near a card word.
"""

from __future__ import annotations

from typing import ClassVar

from engine.privacy.cue_words import CARD_WORDS
from engine.privacy.recognizers.pattern_table import PatternTable


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


class CardNumberRecognizer(PatternTable):
    ENTITY: ClassVar[str] = "CREDIT_CARD"
    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("12 to 19 digits together", r"(?<![\w.,-])[2-6]\d{11,18}(?![\w-]|[.,]\d)", 0.5),
        ("groups of four", r"(?<![\w.,-])[2-6]\d{3}(?:[ \-]\d{4}){2,3}(?:[ \-]\d{1,3})?(?![\w-]|[.,]\d)", 0.5),
        ("16 digits in groups of four, any first digit",
         r"(?<![\w.,-])[1-9]\d{3}(?:[ \-]\d{4}){3}(?![\w-]|[.,]\d)", 0.5),
        ("Amex 4-6-5", r"(?<![\w.,-])3[47]\d{2}[ \-]\d{6}[ \-]\d{5}(?![\w-]|[.,]\d)", 0.5),
        # A UK Maestro (Switch) number of twelve digits opens with 0604 and reads like a phone number with its
        # trunk 0: a card only where a card word stands near (under the threshold without one; eleventh round)
        ("Maestro 0604, after a card word", r"(?<![\w.,-])0604\d{8}(?![\w-]|[.,]\d)", 0.3),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = CARD_WORDS

    def validate_result(self, pattern_text: str) -> bool | None:
        """Luhn-valid numbers of a card's length keep the pattern's score; others are dropped."""
        digits = "".join(ch for ch in pattern_text if ch.isdigit())
        return None if 12 <= len(digits) <= 19 and luhn_ok(digits) else False
