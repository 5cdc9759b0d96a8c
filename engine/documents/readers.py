"""Turn a file's bytes into text records. One reader per format.

A reader returns one or more ``TextRecord`` (a CSV or JSONL file holds one
document per row) or raises ``InputFileError`` naming the file and the problem.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from engine.errors import InputFileError

TEXT_FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".jsonl": "jsonl", ".csv": "csv"}


@dataclass(frozen=True)
class TextRecord:
    name: str
    text: str
    label: str | None = None


def decode_text(path: Path, data: bytes) -> str:
    if not data.strip():
        raise InputFileError(path, "the file is empty")
    if b"\x00" in data[:4096]:
        raise InputFileError(path, "binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"not valid UTF-8 text (byte {exc.start})") from exc


def read_plain(path: Path, data: bytes) -> list[TextRecord]:
    return [TextRecord(path.name, decode_text(path, data))]


def read_jsonl(path: Path, data: bytes, text_field: str = "text",
               label_field: str = "label") -> list[TextRecord]:
    records: list[TextRecord] = []
    for number, line in enumerate(decode_text(path, data).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(path, f"line {number} is not JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or not isinstance(row.get(text_field), str):
            raise InputFileError(path, f"line {number} has no text field {text_field!r}")
        label = row.get(label_field)
        name = str(row.get("id") or f"{path.name}#{number}")
        records.append(TextRecord(name, row[text_field], str(label) if label is not None else None))
    return records


def read_csv(path: Path, data: bytes, text_field: str = "text",
             label_field: str = "label") -> list[TextRecord]:
    reader = csv.DictReader(io.StringIO(decode_text(path, data)))
    if reader.fieldnames is None or text_field not in reader.fieldnames:
        raise InputFileError(path, f"no column named {text_field!r} (columns: {reader.fieldnames})")
    records = []
    for number, row in enumerate(reader, start=2):
        text = row.get(text_field) or ""
        if text.strip():
            label = row.get(label_field) if label_field in (reader.fieldnames or []) else None
            records.append(TextRecord(f"{path.name}#{number}", text, label or None))
    return records


def read_file(path: Path, data: bytes, text_field: str = "text",
              label_field: str = "label") -> tuple[str, list[TextRecord]]:
    """(format, records) for a supported file."""
    fmt = TEXT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputFileError(path, f"unsupported format {path.suffix or '(no extension)'}")
    if fmt == "jsonl":
        return fmt, read_jsonl(path, data, text_field, label_field)
    if fmt == "csv":
        return fmt, read_csv(path, data, text_field, label_field)
    return fmt, read_plain(path, data)
