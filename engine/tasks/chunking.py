"""Cutting a cleared document into example-sized pieces: whole, by paragraph, or by size.

``size`` and ``overlap`` count characters. Size windows end at a space where one is near,
so words are not cut in half; each window starts ``size - overlap`` after the previous.
Paragraph mode splits on blank lines, and a paragraph longer than ``size`` is cut by size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.errors import AirlockError

MODES = ("whole", "paragraph", "size")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Chunking:
    mode: str = "whole"
    size: int = 2000
    overlap: int = 0

    def check(self) -> None:
        if self.mode not in MODES:
            raise AirlockError(f"unknown chunking mode {self.mode!r}; choose one of {', '.join(MODES)}")
        if self.mode != "whole":
            if self.size < 1:
                raise AirlockError("the chunk size must be at least 1 character")
            if not 0 <= self.overlap < self.size:
                raise AirlockError(f"the overlap must be between 0 and {self.size - 1} characters "
                                   "(less than the chunk size)")


def chunk_text(text: str, mode: str = "whole", size: int = 2000, overlap: int = 0) -> list[str]:
    """The pieces of ``text``, stripped, none empty."""
    Chunking(mode, size, overlap).check()
    if mode == "whole":
        return [text.strip()] if text.strip() else []
    if mode == "size":
        return _windows(text.strip(), size, overlap)
    pieces: list[str] = []
    for para in _BLANK_LINE.split(text):
        para = para.strip()
        if not para:
            continue
        pieces.extend([para] if len(para) <= size else _windows(para, size, overlap))
    return pieces


def _windows(text: str, size: int, overlap: int) -> list[str]:
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            space = text.rfind(" ", start + (size - overlap) // 2 + 1, end + 1)
            if space > start:
                end = space
        piece = text[start:end].strip()
        if piece:
            pieces.append(piece)
        if end >= len(text):
            break
        nxt = max(start + 1, end - overlap)
        if nxt > start and nxt < end and text[nxt - 1] != " ":  # start on a word boundary when it can
            boundary = text.find(" ", nxt, end)
            nxt = boundary + 1 if boundary != -1 else nxt
        start = nxt
    return pieces
