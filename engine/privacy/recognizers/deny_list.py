"""Words and phrases the workspace always redacts (client names, project code names).

Terms match whole words, ignoring case; a phrase matches across any run of
whitespace, line breaks included. Longer terms are tried first, so "Anna
Schmidt" wins over "Anna" where both are listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import regex
from presidio_analyzer import Pattern, PatternRecognizer


class DenyListRecognizer(PatternRecognizer):
    """Every listed term, as one entity type (default ``DENY_LIST``)."""

    SOURCE: ClassVar[str] = "deny_list"
    DEFAULT_ENTITY: ClassVar[str] = "DENY_LIST"
    SCORE: ClassVar[float] = 1.0
    FLAGS: ClassVar[int] = regex.IGNORECASE | regex.MULTILINE
    # A term must not be glued to a letter or digit on either side.
    BOUNDARY_BEFORE: ClassVar[str] = r"(?<![\p{L}\p{N}_])"
    BOUNDARY_AFTER: ClassVar[str] = r"(?![\p{L}\p{N}_])"

    def __init__(self, terms: Iterable[str], entity: str = DEFAULT_ENTITY) -> None:
        cleaned = sorted({" ".join(t.split()) for t in terms if t.strip()}, key=lambda t: (-len(t), t))
        if not cleaned:
            raise ValueError("a deny list needs at least one term")
        alternatives = "|".join(r"\s+".join(regex.escape(part) for part in term.split(" "))
                                for term in cleaned)
        rx = f"{self.BOUNDARY_BEFORE}(?:{alternatives}){self.BOUNDARY_AFTER}"
        self.entity = entity
        self.source: str = self.SOURCE
        super().__init__(
            supported_entity=entity,
            name=self.SOURCE,
            patterns=[Pattern("deny list", rx, self.SCORE)],
            global_regex_flags=self.FLAGS,
        )
