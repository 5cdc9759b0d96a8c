"""Files that hold one document per row: CSV (the user picks the columns) and JSONL.

Without an explicit label column or field, a column or field named ``label``
is used when there is one; an explicit one that does not exist is an error.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from engine.documents.text import TextRecord, decode_text
from engine.errors import InputFileError

DEFAULT_LABEL = "label"
_DELIMITERS = ",;\t|"
_SHOWN_COLUMNS = 20


def _listing(names: list[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:_SHOWN_COLUMNS])
    more = len(names) - _SHOWN_COLUMNS
    return shown + (f" and {more} more" if more > 0 else "") if names else "none"


def delimiter_of(header_line: str) -> str:
    """The delimiter that splits the header into the most columns (comma on a tie)."""
    best, most = ",", 1
    for candidate in _DELIMITERS:
        count = len(next(csv.reader([header_line], delimiter=candidate), []))
        if count > most:
            best, most = candidate, count
    return best


def _column(path: Path, columns: list[str], wanted: str, role: str) -> int:
    if wanted not in columns:
        raise InputFileError(path, f"no {role} column named {wanted!r} (columns: {_listing(columns)})")
    return columns.index(wanted)


def read_csv(path: Path, data: bytes, name: str, text_field: str = "text",
             label_field: str | None = None) -> list[TextRecord]:
    text = decode_text(path, data)
    csv.field_size_limit(max(csv.field_size_limit(), len(text)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text.split("\n", 1)[0]))
    records: list[TextRecord] = []
    number = 1
    try:
        header = next(reader, None)
        columns = [c.strip() for c in header or []]
        if not any(columns):
            raise InputFileError(path, "no header row with column names")
        text_col = _column(path, columns, text_field, "text")
        label_col: int | None = None
        if label_field is not None:
            label_col = _column(path, columns, label_field, "label")
        elif DEFAULT_LABEL in columns:
            label_col = columns.index(DEFAULT_LABEL)
        for number, row in enumerate(reader, start=2):
            body = row[text_col] if text_col < len(row) else ""
            if not body.strip():
                continue
            label = row[label_col].strip() if label_col is not None and label_col < len(row) else ""
            records.append(TextRecord(f"{name}#{number}", body, label or None, raw=body.encode("utf-8")))
    except csv.Error as exc:
        raise InputFileError(path, f"row {number + 1} is not valid CSV ({exc})") from exc
    if not records:
        raise InputFileError(path, f"no row has text in column {text_field!r}")
    return records


def read_jsonl(path: Path, data: bytes, name: str, text_field: str = "text",
               label_field: str | None = None) -> list[TextRecord]:
    records: list[TextRecord] = []
    fields_seen: set[str] = set()
    for number, line in enumerate(decode_text(path, data).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(path, f"line {number} is not JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise InputFileError(path, f"line {number} is not a JSON object")
        fields_seen.update(row)
        body = row.get(text_field)
        if not isinstance(body, str):
            raise InputFileError(path, f"line {number} has no text field {text_field!r} "
                                       f"(fields: {_listing(sorted(row))})")
        if not body.strip():
            continue
        label = row.get(label_field or DEFAULT_LABEL)
        records.append(TextRecord(str(row.get("id") or f"{name}#{number}"), body,
                                  str(label) if label is not None else None, raw=body.encode("utf-8")))
    if not records:
        raise InputFileError(path, f"no line has text in the field {text_field!r}")
    if label_field is not None and label_field not in fields_seen:
        raise InputFileError(path, f"no line has the label field {label_field!r} "
                                   f"(fields: {_listing(sorted(fields_seen))})")
    return records
