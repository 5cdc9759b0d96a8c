"""E-mail addresses on any domain, internal ones included.

presidio's e-mail recognizer keeps a match only when tldextract knows its
top-level domain, so addresses on a company's internal domains
("j.doe@plant.local", "ops@intranet.corp", "x@test.example") are not found. An
address is personal data whatever its domain, so this recognizer accepts any
local part, "@", and a dotted host name whose last label is alphabetic.
"""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer


class AnyDomainEmailRecognizer(PatternRecognizer):
    ENTITY: ClassVar[str] = "EMAIL_ADDRESS"
    PATTERN: ClassVar[str] = (r"(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?"
                              r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])")
    SCORE: ClassVar[float] = 0.8

    def __init__(self) -> None:
        super().__init__(supported_entity=self.ENTITY, name="AnyDomainEmailRecognizer",
                         patterns=[Pattern("address on any domain", self.PATTERN, self.SCORE)])
