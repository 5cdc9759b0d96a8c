"""An address the text itself labels as one: "Address: ...", "Home address: ...", "I live at ...".

Whatever the street's layout, a value after an address label in a form or ticket is an address when it
holds a house number: the rest of the line is taken (and the next line too when it is a postcode and
town). Where the label stands alone on its line, the one to three lines under it up to a blank line or the
next label are taken, if one of the first two holds a digit. After "live at", "moved to", "deliver to"
the capitalised words and numbers that follow are taken up to the end of the clause.
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

# What opens a line under an address label that is no part of the address: "See attached", "Same as
# above", "N/A", a sign-off
_NOT_AN_ADDRESS_LINE = (r"(?!(?i:see|please|same|as|n/?a|not|unknown|attached|refer|sent|will|to|tbc|tbd|none|no"
                        r"|thanks|thank|regards|best|kind|yours|cheers|sincerely|many)\b)")

# ... nor a phone's or an e-mail's label after a comma on the address's line: "..., 10115 Berlin, Tel. 030 ..."
# ends the address before it (eleventh round)
_CONTACT_LABEL_NEXT = r"(?=[ \t]*[,;|/][ \t]*(?i:tel|phone|mobile|mob|cell|fax|e-?mail|tlf|tfn|gsm)\b)"


class LabelledAddressRecognizer(PatternTable):
    ENTITY: ClassVar[str] = "STREET_ADDRESS"
    FLAGS: ClassVar[int] = regex.MULTILINE

    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("the rest of the line after an address label: Address: Okrová 14, 481 24 Strážov",
         rf"(?<=^[^\S\n]*{_LABEL}[ \t]*:[ \t]*)(?=[^\n]*\d)[^\s][^\n]{{2,120}}?(?:(?=[ \t]*$)"
         rf"(?:\n[ \t]*{TOWN_LINE}[ \t]*$)?|{_CONTACT_LABEL_NEXT})", 0.6),
        # a form's label alone on its line (its colon optional: a heading), the address on the one to three
        # lines under it, up to a blank line or the next label: "Home address:\nPedro de Valdivia 83\nVicuña,
        # Región de Coquimbo" (eleventh round)
        ("the lines under an address label alone on its line: Address:\nRaúl Flores 531 Of. 5017\nLos Andes",
         rf"(?<=^[^\S\n]*{_LABEL}[ \t]*:?[ \t]*\n[ \t]*)(?=[^\n]*\d|[^\n]*\n[^\n]*\d){_NOT_AN_ADDRESS_LINE}"
         rf"[\p{{Lu}}\d][^\n:@]{{2,120}}?(?=[ \t]*$)(?:\n[ \t]*{_NOT_AN_ADDRESS_LINE}[\p{{Lu}}\d][^\n:@]{{2,80}}?"
         r"(?=[ \t]*$)){0,2}", 0.6),
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
