"""What every reader returns, and the plain-text reader (TXT and Markdown)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.errors import InputFileError

# Control characters that never appear in real text (tab, newline, form feed,
# carriage return and escape aside). Many of them in a file mean binary data.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


@dataclass(frozen=True)
class TextRecord:
    """One document read from a file.

    ``raw`` is set when the document is only a part of the file (a CSV or JSONL
    row): its sha256 then identifies the document instead of the file's.
    """

    name: str
    text: str
    label: str | None = None
    page_count: int | None = None
    raw: bytes | None = None


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([c])) for c in _CONTROL)
    return controls > max(8, len(head) // 100)


def decode_text(path: Path, data: bytes, encoding: str = "utf-8") -> str:
    """The file's text, or an error saying why it is not text."""
    if not data.strip():
        raise InputFileError(path, "the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # Windows "Unicode" text: the byte order mark says so; NUL bytes are expected
    elif looks_binary(data):
        raise InputFileError(path, "binary data, not text")
    elif data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        shown = encoding.upper().removesuffix("-SIG")
        raise InputFileError(path, f"not valid {shown} text (byte {exc.start}, line {line})") from exc
    if "\x00" in text[:4096]:
        raise InputFileError(path, "binary data, not text")
    if not text.strip():
        raise InputFileError(path, "the file is empty")
    return text


def require_text(path: Path, text: str, what: str) -> str:
    if not text.strip():
        raise InputFileError(path, what)
    return text


def read_plain(path: Path, data: bytes, name: str) -> list[TextRecord]:
    return [TextRecord(name, decode_text(path, data))]
