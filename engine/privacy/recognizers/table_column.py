"""Cells of a CSV / TSV / semicolon table whose header names them: a "phone" column holds phone numbers.

A table laid out with runs of two or more spaces ("Time   Visitor   Phone", a visitor log, a report
pasted as text) counts too, where no other delimiter is in the line.

Bare digits ("608 919 667") or a surname alone say little by themselves, but in an exported table the
header says what each column is. For every line that looks like a header (two or more cells, split by
the same delimiter as the lines under it), columns whose header contains a known word get their cells
reported as that entity type, on every following line with the same number of cells, until a blank line.
"""

from __future__ import annotations

import csv
import re
from typing import ClassVar

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from engine.privacy.spans import lines_with_offsets

DELIMITERS = (",", ";", "\t", "|")
# A table laid out with spaces (pasted from a report or a log): cells are split by two or more spaces
SPACES = "  "
_SPACED_CELL = re.compile(r"\S+(?: \S+)*")


class TableColumnRecognizer(EntityRecognizer):
    # header word (whole word, any case) -> entity type; the first match wins
    HEADER_WORDS: ClassVar[tuple[tuple[str, str], ...]] = (
        (r"e-?mail|mail", "EMAIL_ADDRESS"),
        (r"iban", "IBAN_CODE"),
        (r"phone|telephone|tel|mobile|cell|fax|telefon|téléphone|telefono|teléfono|puhelin|handy", "PHONE_NUMBER"),
        (r"street|address|addr|adresse|straße|strasse|dirección|indirizzo|endereço|adres|adresa|osoite",
         "STREET_ADDRESS"),
        (r"name|names|customer|client|contact|person|surname|forename|firstname|lastname|first_name|last_name"
         r"|full_name|fullname|employee|holder|owner|recipient|sender|visitor|nome|nombre|nom|prénom|vorname|nachname"
         r"|imię|nazwisko|navn|namn|nimi", "PERSON"),
    )
    NOT_A_PERSON_HEADER: ClassVar[str] = r"company|product|file|user_?name|host|server|domain|item|model|device"
    SCORE: ClassVar[float] = 0.6
    MAX_HEADER_CELLS: ClassVar[int] = 40

    def __init__(self) -> None:
        super().__init__(supported_entities=sorted({e for _, e in self.HEADER_WORDS}), name="TableColumnRecognizer")

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        lines = lines_with_offsets(text)
        i = 0
        while i < len(lines):
            line = lines[i][1]
            delimiter = _delimiter(line)
            columns = self._columns(line, delimiter) if delimiter else {}
            if not columns or delimiter is None:
                i += 1
                continue
            width = len(_cells(line, delimiter))
            i += 1
            while i < len(lines) and lines[i][1].strip():
                row_start, row = lines[i]
                cells = _cell_spans(row, delimiter)
                if len(cells) != width:
                    break
                for col, entity in columns.items():
                    if entity not in entities:
                        continue
                    s, e = cells[col]
                    if row[s:e].strip():
                        results.append(RecognizerResult(
                            entity, row_start + s, row_start + e, self.SCORE,
                            recognition_metadata={"recognizer_name": "TableColumnRecognizer",
                                                  "recognizer_identifier": self.id}))
                i += 1
        return results

    def _columns(self, line: str, delimiter: str) -> dict[int, str]:
        cells = _cells(line, delimiter)
        if not 2 <= len(cells) <= self.MAX_HEADER_CELLS or any(re.search(r"\d", c) for c in cells):
            return {}
        columns: dict[int, str] = {}
        for col, cell in enumerate(cells):
            header = cell.strip().lower()
            for words, entity in self.HEADER_WORDS:
                if re.search(rf"(?<![a-z])(?:{words})(?![a-z])", header):
                    if entity == "PERSON" and re.search(self.NOT_A_PERSON_HEADER, header):
                        break
                    columns[col] = entity
                    break
        return columns


def _delimiter(line: str) -> str | None:
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] >= 1:
        return best
    return SPACES if re.search(r"\S {2,}\S", line) else None


def _cells(line: str, delimiter: str) -> list[str]:
    if delimiter == SPACES:
        return _SPACED_CELL.findall(line)
    return next(csv.reader([line], delimiter=delimiter), [])


def _cell_spans(line: str, delimiter: str) -> list[tuple[int, int]]:
    """(start, end) of each cell's value in the line, quotes left out (quoted delimiters respected)."""
    if delimiter == SPACES:
        return [m.span() for m in _SPACED_CELL.finditer(line)]
    spans: list[tuple[int, int]] = []
    at = 0
    while at <= len(line):
        if line.startswith('"', at):
            close = at + 1
            while True:
                close = line.find('"', close)
                if close < 0 or not line.startswith('""', close):
                    break
                close += 2
            end_quote = close if close >= 0 else len(line)
            spans.append((at + 1, end_quote))
            nxt = line.find(delimiter, end_quote)
        else:
            nxt = line.find(delimiter, at)
            spans.append((at, nxt if nxt >= 0 else len(line)))
        if nxt < 0:
            break
        at = nxt + 1
    return spans
