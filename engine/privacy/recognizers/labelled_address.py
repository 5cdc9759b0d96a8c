"""An address the text itself labels as one: "Address: ...", "Home address: ...", "I live at ...".

Whatever the street's layout, a value after an address label in a form or ticket is an address when it
holds a house number: the rest of the line is taken (and the next line too when it is a postcode and
town). After "live at", "moved to", "deliver to" the capitalised words and numbers that follow are taken
up to the end of the clause.
"""

from __future__ import annotations

from typing import ClassVar

import regex

from engine.privacy.recognizers.address_parts import TOWN_LINE
from engine.privacy.recognizers.pattern_table import PatternTable

_LABEL = (
    r"(?i:(?:home|postal|mailing|street|delivery|billing|shipping|correspondence|private|permanent)[ \t]+address"
    r"|address(?:[ \t]+of[ \t]+[a-z ]{1,30})?|street(?:[ \t]+and[ \t]+number)?|adresse|anschrift|dirección"
    r"|domicilio|indirizzo|endereço|morada|adres|adresa|adress|osoite|cím|lakcím|bydliště|adresse postale)"
)
# (a small word whole: "la" of "last month" is no particle, tenth round)
_CLAUSE_WORD = (r"(?:[\p{Lu}\d][\p{L}\d'’./\-]*|(?:de|la|del|do|da|di|van|der|am|an|bis|ter)(?!\p{L})"
                r"|d\.|k\.|str\.|apt\.?)")


class LabelledAddressRecognizer(PatternTable):
    ENTITY: ClassVar[str] = "STREET_ADDRESS"
    FLAGS: ClassVar[int] = regex.MULTILINE

    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("the rest of the line after an address label: Address: Okrová 14, 481 24 Strážov",
         rf"(?<=^[^\S\n]*{_LABEL}[ \t]*:[ \t]*)(?=[^\n]*\d)[^\s][^\n]{{2,120}}?(?=[ \t]*$)"
         rf"(?:\n[ \t]*{TOWN_LINE}[ \t]*$)?", 0.6),
        ("after live at / moved to / deliver to: I live at Okrová 14 and ...",
         rf"(?<=\b(?:live|lives|living|lived|reside|resides|located|moved|deliver(?:ed)?|ship(?:ped)?|send)"
         rf"[ \t]+(?:it[ \t]+)?(?:at|to|in|on)[ \t]+)(?=[^\n.;!?]{{0,40}}\d){_CLAUSE_WORD}(?:,?[ \t]+{_CLAUSE_WORD})"
         r"{1,8}", 0.55),
    )

    def validate_result(self, pattern_text: str) -> bool | None:
        """A value with a digit and a letter; not an e-mail, a URL or a phone number on its own."""
        if "@" in pattern_text or "://" in pattern_text:
            return False
        has_letter = any(ch.isalpha() for ch in pattern_text)
        return None if has_letter and any(ch.isdigit() for ch in pattern_text) else False
