"""Checking a workspace ID pattern and showing what it matches, without presidio.

The settings dialog calls these on every keystroke, so they use only the
``regex`` module (the one presidio's pattern recognizers use, so a pattern that
passes here behaves the same at detection time).
"""

from __future__ import annotations

import regex

from engine.privacy.errors import InvalidPattern
from engine.privacy.spans import entity_type_for

FLAGS = regex.MULTILINE
MAX_PATTERN_LENGTH = 1000
MAX_MATCHES = 1000
MATCH_TIMEOUT_S = 1.0


def check_pattern(name: str, pattern: str) -> regex.Pattern[str]:
    """The compiled pattern, or ``InvalidPattern`` saying what is wrong with it."""
    if not entity_type_for(name):
        raise InvalidPattern(name, "the name needs at least one letter or digit")
    if not pattern.strip():
        raise InvalidPattern(name, "the regular expression is empty")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise InvalidPattern(name, f"the regular expression is longer than {MAX_PATTERN_LENGTH} characters")
    try:
        compiled = regex.compile(pattern, FLAGS)
    except regex.error as exc:
        raise InvalidPattern(name, f"not a valid regular expression ({exc})") from exc
    if compiled.fullmatch(""):
        raise InvalidPattern(name, "the regular expression matches empty text")
    return compiled


def pattern_matches(name: str, pattern: str, text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty match of ``pattern`` in ``text`` (at most ``MAX_MATCHES``).

    A pattern so slow that it runs longer than a second on the text is reported as invalid.
    """
    compiled = check_pattern(name, pattern)
    found: list[tuple[int, int]] = []
    try:
        for match in compiled.finditer(text, timeout=MATCH_TIMEOUT_S):
            if match.end() > match.start():
                found.append((match.start(), match.end()))
                if len(found) >= MAX_MATCHES:
                    break
    except TimeoutError as exc:
        raise InvalidPattern(name, "the regular expression takes too long on this text "
                                   "(simplify nested repetitions)") from exc
    return found
