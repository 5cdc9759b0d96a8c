"""Examples from a Hugging Face ``datasets`` folder (what ``save_to_disk`` writes: one Dataset or
a DatasetDict of splits, such as an Airlock export).

Each split's columns say how its records read: ``messages`` (chat), ``conversations``
(ShareGPT), ``instruction`` (Alpaca), ``prompt`` + ``completion``, or a text column with an
optional label column (as in a CSV). Records are numbered across the splits in name order
("row N"), and a bad record is a rejection like a bad line of a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.errors import InputFileError
from engine.tasks.example_formats import BadRow, Row, RowRejection, format_of_fields, parse_object


def is_hf_folder(path: Path) -> bool:
    return path.is_dir() and any((path / name).is_file() for name in ("dataset_dict.json", "dataset_info.json"))


def _splits(path: Path) -> dict[str, Any]:
    from datasets import Dataset, load_from_disk

    if not is_hf_folder(path):
        raise InputFileError(path, "is not a Hugging Face datasets folder (no dataset_dict.json or "
                                   "dataset_info.json); example files are JSONL, JSON or CSV")
    try:
        loaded = load_from_disk(str(path))
    except (OSError, ValueError) as exc:
        raise InputFileError(path, f"cannot be read as a Hugging Face datasets folder ({exc})") from exc
    return {"": loaded} if isinstance(loaded, Dataset) else {k: loaded[k] for k in sorted(loaded)}


def _text_and_label(record: dict[str, Any], text_column: str, label_column: str) -> tuple[str, str | None]:
    text, label = record.get(text_column), record.get(label_column)
    if not isinstance(text, str) or not text.strip():
        raise BadRow(f"empty content: column {text_column!r} is empty")
    return text, str(label).strip() if label is not None and str(label).strip() else None


def read_folder(path: Path, user_template: str, text_column: str = "text",
                label_column: str = "label") -> list[Row | RowRejection]:
    rows: list[Row | RowRejection] = []
    n = 0
    for split, ds in _splits(path).items():
        columns = list(ds.column_names)
        fmt = format_of_fields(columns)
        if fmt is None and text_column not in columns:
            raise InputFileError(path, f"split {split or 'data'!r} has neither chat/Alpaca/ShareGPT/prompt "
                                       f"columns nor a {text_column!r} column; its columns are {', '.join(columns)}")
        for record in ds:
            n += 1
            try:
                text, answer = (parse_object(fmt, record, user_template) if fmt is not None
                                else _text_and_label(record, text_column, label_column))
                rows.append(Row(n, text, answer))
            except BadRow as exc:
                rows.append(RowRejection(n, str(exc), "row"))
    return rows


def folder_sha256(path: Path) -> str:
    """One hash over the folder's files (names and contents), for the audit trail."""
    import hashlib

    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(f"\x1e{file.relative_to(path).as_posix()}\x1f".encode())
        with file.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()
