"""Names down a table's column: one found name vouches for the name-like cells of its column (fifth round).

An export pasted as text ("2024-03-11;Jan Novák;Room 12;paid") often comes without a header, so the
table-column recognizer cannot tell what a column holds, and the model misses names it has not seen.
In two or more consecutive lines split by the same delimiter (a semicolon, tab or bar; a comma only
with two or more per line, since prose has commas) into the same number of cells, a found PERSON
filling a cell vouches for the other cells of that column that are written like a name (whole cell:
one to four capitalised words, initials, a particle or a title inside; no digit, no label, service,
day or month word). A first line whose cells are all single words without digits is a header and
holds no member ("Name;City;Phone").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from engine.privacy.name_lists import MEMBER_RX, names_in_groups
from engine.privacy.spans import CELL_DELIMITERS, Span, lines_with_offsets

_QUOTES = " \t\"'"


def _blocks(lines: list[tuple[int, str]], delimiter: str) -> Iterator[list[tuple[int, str]]]:
    """Runs of two or more consecutive lines with the same number of ``delimiter`` (one or more; two or
    more for a comma)."""
    least = 2 if delimiter == "," else 1
    run: list[tuple[int, str]] = []
    for start, line in [*lines, (-1, "")]:
        count = line.count(delimiter)
        if count >= least and (not run or run[0][1].count(delimiter) == count):
            run.append((start, line))
            continue
        if len(run) >= 2:
            yield run
        run = [(start, line)] if count >= least else []


def _is_header(cells: list[str]) -> bool:
    return all(len(c.strip(_QUOTES).split()) <= 1 and not any(ch.isdigit() for ch in c) for c in cells)


def _columns(text: str) -> Iterator[list[tuple[int, int]]]:
    """For every block and column, the (start, end) of its cells that are written like a name."""
    lines = lines_with_offsets(text)
    for delimiter in CELL_DELIMITERS:
        for block in _blocks(lines, delimiter):
            if _is_header(block[0][1].split(delimiter)):
                block = block[1:]
            columns: dict[int, list[tuple[int, int]]] = {}
            for line_start, line in block:
                offset = line_start
                for k, cell in enumerate(line.split(delimiter)):
                    inner = cell.strip(_QUOTES)
                    if inner and not any(ch.isdigit() for ch in inner) and MEMBER_RX.fullmatch(inner):
                        start = offset + cell.index(inner)
                        columns.setdefault(k, []).append((start, start + len(inner)))
                    offset += len(cell) + len(delimiter)
            yield from (members for members in columns.values() if len(members) >= 2)


def column_names(text: str, spans: Sequence[Span]) -> tuple[list[Span], list[Span]]:
    """PERSON spans for the name-like cells of a table column that holds a found PERSON, and the model's
    place guesses inside them, which the PERSON spans replace."""
    return names_in_groups(text, spans, _columns(text), opening=False)
