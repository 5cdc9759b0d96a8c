"""The shape every pattern recognizer of ours shares: its patterns, context words and flags as class constants.

A subclass names its entity (``ENTITY``), lists ``(name, regular expression, score)`` rows (``PATTERNS``),
and may give context words that raise a match's score (``CONTEXT``) and regular expression flags
(``FLAGS``; left out, presidio's own defaults apply). Its presidio name is its class name, which is what
the review screen shows as a finding's source.
"""

from __future__ import annotations

from typing import Any, ClassVar

from presidio_analyzer import Pattern, PatternRecognizer


class PatternTable(PatternRecognizer):
    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]]
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    FLAGS: ClassVar[int | None] = None

    def __init__(self) -> None:
        options: dict[str, Any] = {}
        if self.CONTEXT:
            options["context"] = list(self.CONTEXT)
        if self.FLAGS is not None:
            options["global_regex_flags"] = self.FLAGS
        super().__init__(supported_entity=self.ENTITY, name=type(self).__name__,
                         patterns=[Pattern(name, rx, score) for name, rx, score in self.PATTERNS], **options)
