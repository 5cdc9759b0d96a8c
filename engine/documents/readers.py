"""Turn a file's bytes into text records: pick the reader, then run it.

The format comes from the content where the content says it: a file starting
with ``%PDF-`` is read as a PDF and a zip or OLE container as a Word document,
whatever its extension (a PDF saved as ``report.docx`` is imported as the PDF it
is, and a zip of junk named ``.docx`` or ``.txt`` is reported as such). Otherwise
the extension decides. Every reader returns one or more ``TextRecord`` (a CSV or
JSONL file holds one document per row) or raises ``InputFileError`` naming the
file and the problem; a reader never leaves anything behind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from engine.documents.pdf import PDF_MAGIC, read_pdf
from engine.documents.rows import read_csv, read_jsonl
from engine.documents.text import TextRecord, read_plain
from engine.documents.webpage import read_html
from engine.documents.word import OLE_MAGIC, ZIP_MAGIC, read_docx
from engine.errors import InputFileError
from engine.jobs import Cancelled

__all__ = ["SUPPORTED", "TextRecord", "detect_format", "read_file", "readable"]

SUPPORTED = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html",
             ".htm": "html", ".xhtml": "html", ".csv": "csv", ".jsonl": "jsonl", ".pdf": "pdf",
             ".docx": "docx"}
FORMAT_NAMES = {"txt": "text", "md": "Markdown", "html": "HTML", "csv": "CSV", "jsonl": "JSON lines",
                "pdf": "PDF", "docx": "Word document"}
# The PDF standard lets a little junk precede the header; accept that only when the name says PDF.
_PDF_HEADER_WINDOW = 1024


def readable(name: str) -> str:
    """A file name as text that can be stored and printed (undecodable bytes become U+FFFD)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def detect_format(path: Path, data: bytes) -> str:
    declared = SUPPORTED.get(path.suffix.lower())
    if not data:
        raise InputFileError(path, "the file is empty")
    if data.startswith(PDF_MAGIC) or (declared == "pdf" and PDF_MAGIC in data[:_PDF_HEADER_WINDOW]):
        return "pdf"
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return "docx"  # the Word reader says what the container really is when it is not a .docx
    if declared is None:
        raise InputFileError(path, f"unsupported format {path.suffix or '(no extension)'} "
                                   f"(supported: {', '.join(sorted(SUPPORTED))})")
    if declared == "pdf":
        raise InputFileError(path, "not a PDF file (it does not start with %PDF-)")
    return declared


def read_file(path: Path, data: bytes, text_field: str = "text", label_field: str | None = None,
              name: str | None = None, check: Callable[[], None] | None = None) -> tuple[str, list[TextRecord]]:
    """(format, records) for a supported file.

    ``name`` is the source name the records get (the file name by default);
    ``check`` runs at safe points inside long reads and may raise ``Cancelled``.
    """
    name = name or readable(path.name)
    fmt = detect_format(path, data)
    try:
        if fmt == "pdf":
            return fmt, read_pdf(path, data, name, check)
        if fmt == "docx":
            return fmt, read_docx(path, data, name)
        if fmt == "html":
            return fmt, read_html(path, data, name)
        if fmt == "csv":
            return fmt, read_csv(path, data, name, text_field, label_field)
        if fmt == "jsonl":
            return fmt, read_jsonl(path, data, name, text_field, label_field)
        return fmt, read_plain(path, data, name)
    except (InputFileError, Cancelled):
        raise
    except Exception as exc:
        # Parsers of untrusted files fail in many ways; each becomes one line about this file.
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise InputFileError(path, f"cannot be read as {FORMAT_NAMES[fmt]} "
                                   f"({type(exc).__name__}{': ' + detail if detail else ''})") from exc
