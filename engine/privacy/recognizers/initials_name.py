"""Names written with initials: "J. Scott", "W.B. Gomez", "Keith R. Waters", "Dorotea A. Criado".

spaCy's small model rarely reads an initial as part of a name. An initial (one capital letter and a
dot) followed by a capitalised surname, or a capitalised given name, an initial and a surname, is a
name in business text; the exceptions are sentence starts after a one-letter word ("plan B. Then"),
which the list of words that are not surnames keeps out.
"""

from __future__ import annotations

from typing import ClassVar

import regex

from engine.privacy.recognizers.pattern_table import PatternTable

_SURNAME = r"(?:(?:van|von|de|der|den|da|di|du|del|della|le|la|ten|ter)[ \t]+)?\p{Lu}\p{Ll}+(?:['’\-]\p{Lu}?\p{Ll}+)?"
_NOT_SURNAME = (
    r"(?!(?:The|This|That|These|Those|Then|There|They|We|It|In|On|At|If|As|So|Our|Your|My|Please|Thanks|Dear|Hi"
    r"|Hello|Hey|Mr|Mrs|Ms|Dr|Prof|Attn|Regards|Best|Cheers|Present|Attendees|Action|Signed|Reported"
    r"|Thank|No|Yes|And|But|For|From|To|Of|With|See|Note|Section|Chapter|Figure|Table|Step|Part|Item|Page"
    r"|Street|Road|Avenue|Floor|Box|Suite|Unit|Apt|Room|Inc|Ltd|Co|Corp|Group|Team|Monday|Tuesday"
    r"|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\b)"
)
_GIVEN = r"\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?"


class InitialsNameRecognizer(PatternTable):
    ENTITY: ClassVar[str] = "PERSON"
    FLAGS: ClassVar[int] = regex.MULTILINE
    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("initials then surname: J. Scott, W.B. Gomez",
         rf"(?<![\p{{L}}\d.])(?:\p{{Lu}}\.[ \t]?){{1,3}}[ \t]?{_NOT_SURNAME}{_SURNAME}\b", 0.55),
        ("given name, initial, surname: Keith R. Waters",
         rf"(?<![\p{{L}}\d.]){_NOT_SURNAME}{_GIVEN}[ \t]+(?:\p{{Lu}}\.[ \t]?){{1,2}}[ \t]?{_NOT_SURNAME}{_SURNAME}\b",
         0.65),
    )
