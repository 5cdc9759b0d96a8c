"""Reading example files: OpenAI chat JSONL, prompt/completion JSONL, Alpaca, ShareGPT and CSV
(a Hugging Face ``datasets`` folder: ``engine.tasks.hf_folder``).

Each row becomes an input and (optionally) an answer, or a rejection naming its line (for a
JSON array: its item number) and the reason. Rows are independent: a bad row (not JSON, nested
too deep, a CSV cell over the csv module's 128 KiB field limit) never stops the file. Problems
with the file as a whole (larger than ``MAX_FILE_BYTES``, not UTF-8, unknown format, missing CSV
column) raise ``InputFileError``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import InputFileError
from engine.tasks.conversation import conversation_problems
from engine.tasks.json_rows import Problem, json_records

MAX_FILE_BYTES = 256 * 2**20  # read whole into memory; a bigger set is a Hugging Face datasets folder
FORMATS = ("auto", "chat", "prompt-completion", "alpaca", "sharegpt", "csv", "hf")  # hf: a datasets folder
SHAREGPT_ROLES = {"system": "system", "human": "user", "user": "user", "gpt": "assistant",
                  "assistant": "assistant", "chatgpt": "assistant", "bot": "assistant"}


@dataclass(frozen=True)
class Row:
    line: int
    input_text: str
    answer: str | None  # None: the row has no answer (an unlabelled example)


@dataclass(frozen=True)
class RowRejection:
    line: int
    reason: str
    unit: str = "line"  # "item" for the entries of a JSON array

    def __str__(self) -> str:
        return f"{self.unit} {self.line}: {self.reason}"


class BadRow(Exception):
    """One row cannot be used; the message is the reason."""


def strip_template(user_template: str, content: str) -> str:
    """The input inside a user turn that was written with this task's template (as an Airlock
    export writes it); other text is the input as it is."""
    head, _, tail = user_template.partition("{input}")
    text = content.strip()
    if head.strip() and tail.strip() and text.startswith(head.strip()) and text.endswith(tail.strip()):
        return text[len(head.strip()):len(text) - len(tail.strip())].strip()
    if head.strip() and not tail.strip() and text.startswith(head.strip()):
        return text[len(head.strip()):].strip()
    return text


def _text(obj: Mapping[str, Any], key: str, required: bool = True) -> str:
    value = obj.get(key)
    if value is None:
        if required:
            raise BadRow(f"missing field {key!r}")
        return ""
    if not isinstance(value, str):
        raise BadRow(f"field {key!r} must be text, not {type(value).__name__}")
    if required and not value.strip():
        raise BadRow(f"empty content: {key!r} is empty")
    return value


def _exchange(messages: Any, user_template: str) -> tuple[str, str]:
    if not isinstance(messages, list):
        raise BadRow("'messages' must be a list of turns")
    problems = conversation_problems(messages)
    if problems:
        empty = [p for p in problems if p.endswith("is empty")]
        raise BadRow(f"empty content: {empty[0]}" if empty else f"wrong roles: {problems[0]}")
    turns = [m for m in messages if m["role"] != "system"]
    if len(turns) != 2:
        raise BadRow(f"wrong roles: {len(turns) // 2} user/assistant exchanges; an example is one user "
                     "turn and its answer")
    return strip_template(user_template, turns[0]["content"]), turns[1]["content"]


def parse_object(fmt: str, obj: Any, user_template: str) -> tuple[str, str | None]:
    """(input, answer) of one JSON row in ``fmt``; raises BadRow."""
    if not isinstance(obj, dict):
        raise BadRow(f"not a JSON object (a {type(obj).__name__})")
    if fmt == "chat":
        if "messages" not in obj:
            raise BadRow("missing field 'messages'")
        return _exchange(obj["messages"], user_template)
    if fmt == "sharegpt":
        turns = obj.get("conversations")
        if not isinstance(turns, list):
            raise BadRow("missing field 'conversations' (a list of turns with 'from' and 'value')")
        messages = []
        for n, turn in enumerate(turns, start=1):
            who = turn.get("from") if isinstance(turn, dict) else None
            if who not in SHAREGPT_ROLES:
                raise BadRow(f"wrong roles: turn {n} is from {who!r}; ShareGPT turns are from system, human or gpt")
            messages.append({"role": SHAREGPT_ROLES[str(who)], "content": turn.get("value")})
        return _exchange(messages, user_template)
    if fmt == "prompt-completion":
        return strip_template(user_template, _text(obj, "prompt")), _text(obj, "completion")
    if fmt == "alpaca":
        instruction, extra = _text(obj, "instruction"), _text(obj, "input", required=False)
        text = f"{instruction.strip()}\n\n{extra.strip()}" if extra.strip() else instruction.strip()
        return text, _text(obj, "output")
    raise ValueError(fmt)


def format_of_fields(fields: Iterable[str]) -> str | None:
    """The JSON format a record with these fields is in, or None."""
    names = set(fields)
    if "messages" in names:
        return "chat"
    if "conversations" in names:
        return "sharegpt"
    if "instruction" in names:
        return "alpaca"
    if "prompt" in names and "completion" in names:
        return "prompt-completion"
    return None


def detect_format(path: Path, text: str) -> str:
    if path.suffix.lower() in (".csv", ".tsv"):
        return "csv"
    for _line, obj in _json_rows(text):
        if isinstance(obj, dict):
            found = format_of_fields(obj)
            if found is not None:
                return found
            break
    raise InputFileError(path, "cannot tell the format from the first record (no 'messages', "
                               "'conversations', 'instruction' or 'prompt'/'completion'); choose it with --format")


def _json_rows(text: str) -> Iterator[tuple[int, Any]]:
    """(line or item number, parsed object or the BadRow); a JSON array's items are numbered from 1."""
    for n, obj in json_records(text):
        yield n, BadRow(obj) if isinstance(obj, Problem) else obj


def check_size(path: Path) -> None:
    """Refuse an example file larger than ``MAX_FILE_BYTES`` before reading any of it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if size > MAX_FILE_BYTES:
        raise InputFileError(path, f"is {size / 2**20:.0f} MiB; an example file can be at most "
                                   f"{MAX_FILE_BYTES // 2**20} MiB (split it, or import a Hugging Face datasets "
                                   "folder)")


def read_rows(path: Path, data: bytes, fmt: str, user_template: str, text_column: str = "text",
              label_column: str = "label") -> tuple[str, list[Row | RowRejection]]:
    """The format used and every row of the file, in order."""
    if fmt not in FORMATS:
        raise InputFileError(path, f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"is not UTF-8 text (byte {exc.start})") from exc
    if fmt == "auto":
        fmt = detect_format(path, text)
    if fmt == "csv":
        return fmt, _csv_rows(path, text, text_column, label_column)
    unit = "item" if text.lstrip().startswith("[") else "line"
    rows: list[Row | RowRejection] = []
    for n, obj in _json_rows(text):
        try:
            if isinstance(obj, BadRow):
                raise obj
            input_text, answer = parse_object(fmt, obj, user_template)
            rows.append(Row(n, input_text, answer))
        except BadRow as exc:
            rows.append(RowRejection(n, str(exc), unit))
    return fmt, rows


def _csv_dialect(path: Path) -> str:
    return "excel-tab" if path.suffix.lower() == ".tsv" else "excel"


def csv_columns(path: Path) -> list[str]:
    """The column names in a CSV (or TSV) file's header, so a person can say which hold what."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f, dialect=_csv_dialect(path)), [])
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"is not UTF-8 text (byte {exc.start})") from exc
    except csv.Error as exc:
        raise InputFileError(path, f"has no readable CSV header ({exc})") from exc
    columns = [c for c in header if c.strip()]  # as written: the import matches them exactly
    if not columns:
        raise InputFileError(path, "has no header row: the first line must name the columns")
    return columns


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"a cell is larger than {csv.field_size_limit() // 1024} KiB (the limit for one CSV cell)"
    return f"not readable as CSV ({text})"


def _csv_rows(path: Path, text: str, text_column: str, label_column: str) -> list[Row | RowRejection]:
    dialect = _csv_dialect(path)
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    columns = reader.fieldnames or []
    if text_column not in columns:
        raise InputFileError(path, f"has no column {text_column!r}; its columns are {', '.join(columns) or 'none'} "
                                   "(choose one with --text-column)")
    rows: list[Row | RowRejection] = []
    while True:
        started = reader.line_num + 1  # the record's first line
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a cell over the 128 KiB field limit, a NUL byte: this row only
            rows.append(RowRejection(started, _csv_problem(exc)))
            continue
        line = reader.line_num
        if None in record:
            rows.append(RowRejection(line, f"has {len(columns) + len(record[None])} fields; the header has "
                                           f"{len(columns)}"))
            continue
        value = record.get(text_column) or ""
        if not value.strip():
            rows.append(RowRejection(line, f"empty content: column {text_column!r} is empty"))
            continue
        label = (record.get(label_column) or "").strip() if label_column in columns else ""
        rows.append(Row(line, value, label or None))
    return rows
