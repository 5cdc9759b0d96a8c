"""A workspace's own identifier pattern, e.g. employee IDs ``EMP-\\d{6}``.

The user gives a name and a regular expression; the entity type is the name
upper-cased with every run of other characters turned into ``_``
("employee id" -> ``EMPLOYEE_ID``). The expression is matched as written
(case-sensitive, ``^``/``$`` per line); prefix it with ``(?i)`` to ignore case.
"""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

from engine.privacy.patterns import FLAGS, MAX_PATTERN_LENGTH, check_pattern
from engine.privacy.spans import entity_type_for


class WorkspacePatternRecognizer(PatternRecognizer):
    """One user-defined pattern; built per detection call (an ad-hoc recognizer)."""

    SOURCE_PREFIX: ClassVar[str] = "workspace_pattern"
    SCORE: ClassVar[float] = 0.95
    FLAGS: ClassVar[int] = FLAGS
    MAX_PATTERN_LENGTH: ClassVar[int] = MAX_PATTERN_LENGTH

    def __init__(self, name: str, pattern: str, score: float | None = None) -> None:
        check_pattern(name, pattern)
        entity = entity_type_for(name)
        self.entity = entity
        self.source = f"{self.SOURCE_PREFIX}:{entity}"
        super().__init__(
            supported_entity=entity,
            name=self.source,
            patterns=[Pattern(entity, pattern, self.SCORE if score is None else score)],
            global_regex_flags=self.FLAGS,
        )
