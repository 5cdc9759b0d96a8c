"""The one table printer of the `airlock` command: rows (dicts) as padded columns, or as JSON with --json.

Every command that prints a table builds its rows as dicts of plain values and hands them here with
the columns to show; --json prints the same rows, unformatted, so scripts read what people read.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    """One column: the row's ``key``; ``width`` pads (None: as wide as its widest cell; the last column,
    and the cells of a tab-separated table, are never padded); ``right`` aligns numbers; ``fmt`` formats
    a value that is not None (None prints "-"); ``clip`` cuts a longer cell to the width; ``title``
    heads the column when the table has a header."""

    key: str
    width: int | None = None
    right: bool = False
    fmt: str | None = None
    clip: bool = False
    title: str = ""


def cell(value: Any, fmt: str | None = None) -> str:
    """A value as text: None "-", floats to four significant digits, lists and dicts as JSON."""
    if value is None:
        return "-"
    if fmt is not None:
        try:
            return fmt.format(value)
        except (TypeError, ValueError):  # a number's format given something else: shown as it is
            return str(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def table_lines(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column], sep: str = " ",
                header: bool = False) -> list[str]:
    texts = [[cell(row.get(c.key), c.fmt) for c in columns] for row in rows]
    pad = sep != "\t"  # tab-separated: the tabs align, cells stay as they are for `cut` and spreadsheets
    widths = [c.width if c.width is not None else max([len(c.title) if header else 0, *(len(t[i]) for t in texts)])
              for i, c in enumerate(columns)]
    lines = []
    for cells in ([[c.title for c in columns]] if header else []) + texts:
        parts = []
        for i, (c, text) in enumerate(zip(columns, cells, strict=True)):
            if c.clip:
                text = text[:widths[i]]
            last = i == len(columns) - 1
            if pad:
                text = text.rjust(widths[i]) if c.right else text if last else text.ljust(widths[i])
            parts.append(text)
        lines.append(sep.join(parts).rstrip())
    return lines


def print_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column], sep: str = " ",
                header: bool = False) -> None:
    for line in table_lines(rows, columns, sep, header):
        print(line)


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def print_rows(args: argparse.Namespace, rows: Sequence[Mapping[str, Any]], columns: Sequence[Column],
               sep: str = " ", header: bool = False) -> None:
    """The rows as a table, or as a JSON list when the command was given --json."""
    if getattr(args, "json", False):
        print_json(list(rows))
    else:
        print_table(rows, columns, sep, header)
