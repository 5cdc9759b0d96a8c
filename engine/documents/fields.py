"""What columns (CSV) or fields (JSONL) a row file has, with its first rows, so a user can pick
which one holds the text and which the label before importing it."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from engine.documents.readers import SUPPORTED
from engine.documents.rows import DEFAULT_LABEL, delimiter_of
from engine.documents.sources import read_within_limit
from engine.documents.text import decode_text
from engine.errors import InputFileError

ROW_FORMATS = ("csv", "jsonl")
PREVIEW_ROWS = 5
SCANNED_LINES = 200  # JSONL lines read to collect field names
VALUE_CHARS = 200
PREVIEW_LIMIT = 200 * 1024 * 1024


@dataclass(frozen=True)
class FieldPreview:
    path: Path
    format: str  # csv | jsonl
    fields: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # the first rows, one value per field (shortened)
    text_field: str  # the best guess: "text" where it exists, else the field with the longest values
    label_field: str | None  # "label" where it exists


def row_format(path: Path) -> str | None:
    """"csv" or "jsonl" for a file holding one document per row, else None."""
    fmt = SUPPORTED.get(path.suffix.lower())
    return fmt if fmt in ROW_FORMATS else None


def preview_fields(path: Path, rows: int = PREVIEW_ROWS) -> FieldPreview:
    fmt = row_format(path)
    if fmt is None:
        raise InputFileError(path, "only CSV and JSONL files have columns to choose from")
    data = read_within_limit(path, PREVIEW_LIMIT)
    if not data.strip():
        raise InputFileError(path, "the file is empty")
    text = decode_text(path, data)
    fields, values = _csv(path, text, rows) if fmt == "csv" else _jsonl(path, text, rows)
    if not fields:
        raise InputFileError(path, "no columns found" if fmt == "csv" else "no JSON object with fields found")
    return FieldPreview(path, fmt, fields, values, _guess_text(fields, values),
                        DEFAULT_LABEL if DEFAULT_LABEL in fields else None)


def _short(value: object) -> str:
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    flat = " ".join(shown.split())
    return flat if len(flat) <= VALUE_CHARS else flat[:VALUE_CHARS - 1] + "…"


def _csv(path: Path, text: str, rows: int) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text.split("\n", 1)[0]))
    try:
        header = tuple(c.strip() for c in next(reader, []))
        values: list[tuple[str, ...]] = []
        for row in reader:
            if len(values) >= rows:
                break
            values.append(tuple(_short(row[i]) if i < len(row) else "" for i in range(len(header))))
    except csv.Error as exc:
        raise InputFileError(path, f"not valid CSV ({exc})") from exc
    return (header if any(header) else ()), tuple(values)


def _jsonl(path: Path, text: str, rows: int) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    fields: dict[str, None] = {}
    objects: list[dict[str, object]] = []
    for number, line in enumerate(text.splitlines()[:SCANNED_LINES], start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(path, f"line {number} is not JSON ({exc.msg})") from exc
        if isinstance(row, dict):
            fields.update(dict.fromkeys(str(k) for k in row))
            objects.append(row)
    names = tuple(fields)
    values = tuple(tuple(_short(obj.get(f, "")) for f in names) for obj in objects[:rows])
    return names, values


def _guess_text(fields: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> str:
    if "text" in fields:
        return "text"
    lengths = [sum(len(r[i]) for r in rows if i < len(r)) for i in range(len(fields))]
    return fields[max(range(len(fields)), key=lambda i: lengths[i])]
