"""PDF: the text layer, page by page, with the page count. pypdf is imported lazily."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from engine.documents.text import TextRecord
from engine.errors import InputFileError

if TYPE_CHECKING:
    from pypdf import PdfReader

PDF_MAGIC = b"%PDF-"
NO_TEXT_LAYER = "no text layer (scanned image?)"
ENCRYPTED = "encrypted PDF (password protected); remove the password and import it again"


def _describe(exc: Exception) -> str:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return detail[:200]


def _open(path: Path, data: bytes) -> PdfReader:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    # pypdf logs every repair it makes to a damaged file; the user gets one clear line from us instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except Exception as exc:
        raise InputFileError(path, f"corrupt PDF ({_describe(exc)})") from exc
    if reader.is_encrypted:
        # Many PDFs are encrypted with an empty user password (only editing is restricted): those open.
        try:
            opened = reader.decrypt("")
        except (DependencyError, NotImplementedError) as exc:
            raise InputFileError(path, ENCRYPTED) from exc
        except Exception as exc:
            raise InputFileError(path, f"corrupt encrypted PDF ({_describe(exc)})") from exc
        if opened == PasswordType.NOT_DECRYPTED:
            raise InputFileError(path, ENCRYPTED)
    return reader


def read_pdf(path: Path, data: bytes, name: str,
             check: Callable[[], None] | None = None) -> list[TextRecord]:
    """One document with the text of every page; ``check`` runs between pages (it may cancel)."""
    reader = _open(path, data)
    try:
        page_count = len(reader.pages)
    except Exception as exc:
        raise InputFileError(path, f"corrupt PDF: its page tree cannot be read ({_describe(exc)})") from exc
    if page_count == 0:
        raise InputFileError(path, "the PDF has no pages")
    pages: list[str] = []
    for number in range(page_count):
        if check is not None:
            check()
        try:
            pages.append((reader.pages[number].extract_text() or "").strip())
        except Exception as exc:
            raise InputFileError(path, f"corrupt PDF: page {number + 1} cannot be read ({_describe(exc)})") from exc
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        raise InputFileError(path, NO_TEXT_LAYER)
    return [TextRecord(name, text, page_count=page_count)]
