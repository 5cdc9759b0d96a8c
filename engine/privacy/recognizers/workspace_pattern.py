"""A workspace's own identifier pattern, e.g. employee IDs ``EMP-\\d{6}``.

The user gives a name and a regular expression; the entity type is the name
upper-cased with every run of other characters turned into ``_``
("employee id" -> ``EMPLOYEE_ID``). The expression is matched as written
(case-sensitive, ``^``/``$`` per line); prefix it with ``(?i)`` to ignore case.
"""

from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import Pattern, PatternRecognizer

from engine.privacy.errors import InvalidPattern
from engine.privacy.spans import entity_type_for


class WorkspacePatternRecognizer(PatternRecognizer):
    """One user-defined pattern; built per detection call (an ad-hoc recognizer)."""

    SOURCE_PREFIX: ClassVar[str] = "workspace_pattern"
    SCORE: ClassVar[float] = 0.95
    FLAGS: ClassVar[int] = regex.MULTILINE
    MAX_PATTERN_LENGTH: ClassVar[int] = 1000

    def __init__(self, name: str, pattern: str, score: float | None = None) -> None:
        entity = entity_type_for(name)
        if not entity:
            raise InvalidPattern(name, "the name needs at least one letter or digit")
        if not pattern.strip():
            raise InvalidPattern(name, "the regular expression is empty")
        if len(pattern) > self.MAX_PATTERN_LENGTH:
            raise InvalidPattern(name, "the regular expression is longer than "
                                       f"{self.MAX_PATTERN_LENGTH} characters")
        try:
            compiled = regex.compile(pattern, self.FLAGS)
        except regex.error as exc:
            raise InvalidPattern(name, f"not a valid regular expression ({exc})") from exc
        if compiled.fullmatch(""):
            raise InvalidPattern(name, "the regular expression matches empty text")
        self.entity = entity
        self.source = f"{self.SOURCE_PREFIX}:{entity}"
        super().__init__(
            supported_entity=entity,
            name=self.source,
            patterns=[Pattern(entity, pattern, self.SCORE if score is None else score)],
            global_regex_flags=self.FLAGS,
        )
