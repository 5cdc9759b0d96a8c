"""The records of a JSON Lines file or a JSON array, each parsed on its own and bounded in depth.

A record that is not JSON, or nested deeper than ``MAX_DEPTH`` levels, is a problem of that
record alone (named by its line, or its item number in an array); it never stops the file and
never reaches code that walks it recursively. Python's JSON parser itself raises
``RecursionError`` past about a thousand levels; that too is a rejected record here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

MAX_DEPTH = 100  # an example is a few levels deep; a chat turn list is three
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"


class Problem(str):
    """Why a record could not be read (instead of the parsed record)."""


def depth_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether ``value`` nests lists/objects more than ``limit`` levels deep (no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def parse_record(text: str) -> Any:
    """The parsed record, or a ``Problem``."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return Problem(f"not JSON ({exc.msg} at column {exc.colno})")
    except RecursionError:
        return Problem(TOO_DEEP)
    return Problem(TOO_DEEP) if depth_exceeds(value) else value


def array_pieces(text: str) -> list[str] | None:
    """The top-level items of a JSON array as text, split without recursion (so one item nested
    too deep for the parser does not hide the others); None when the text is not one array."""
    pieces: list[str] = []
    depth, start, in_string, escaped = 0, 0, False, False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth == 1:
                start = i + 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                pieces.append(text[start:i])
                rest_is_blank = not text[i + 1:].strip()
                return [p for p in pieces if p.strip()] if rest_is_blank else None
        elif ch == "," and depth == 1:
            pieces.append(text[start:i])
            start = i + 1
    return None


def json_records(text: str) -> Iterator[tuple[int, Any]]:
    """(line number, or item number for a JSON array; the record or a ``Problem``)."""
    if text.lstrip().startswith("["):
        try:
            items: Any = json.loads(text)
        except json.JSONDecodeError:
            items = None
        except RecursionError:  # one item too deep: read the items one by one
            pieces = array_pieces(text)
            items = None if pieces is None else [parse_record(p) for p in pieces]
        if isinstance(items, list):
            for n, item in enumerate(items, start=1):
                yield n, item if isinstance(item, Problem) or not depth_exceeds(item) else Problem(TOO_DEEP)
            return
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield n, parse_record(line)
