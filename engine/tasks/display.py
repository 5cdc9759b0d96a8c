"""How an example's text and a stored label read on a screen or in a table: one line, and the value a
person would write (JSON strings unquoted); and the form in which two inputs count as the same."""

from __future__ import annotations

import json

EXCERPT_CHARS = 160


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """One line of at most ``limit`` characters, whitespace collapsed."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def normalised_input(text: str) -> str:
    """An input as duplicates are found: case and whitespace do not count."""
    return " ".join(text.lower().split())


def label_text(value: str) -> str:
    """A stored label value as a person reads it (JSON strings unquoted)."""
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    if isinstance(parsed, str):
        return parsed
    return json.dumps(parsed, ensure_ascii=False, separators=(", ", ": "))
