"""DOCX: body paragraphs and table cells in document order. python-docx is imported lazily.

The package is checked with the standard zipfile module first, so a zip of
junk, a workbook renamed to .docx or a damaged archive gets a precise message.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from engine.documents.text import TextRecord
from engine.errors import InputFileError

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.table import Table, _Cell

ZIP_MAGIC = b"PK\x03\x04"
# Compound File Binary: legacy .doc, and also the wrapper of a password-protected .docx.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_PROBLEM = ("a legacy Word (.doc) or password-protected Office file; "
               "save it as an unencrypted .docx and import it again")
MAX_UNPACKED_BYTES = 512 * 1024 * 1024

_OTHER_PACKAGES = ((b"spreadsheetml", "an Excel workbook"), (b"presentationml", "a PowerPoint presentation"),
                   (b"opendocument", "an OpenDocument file"))


def _package_kind(archive: zipfile.ZipFile) -> str | None:
    """None for a Word document, else what the archive is instead."""
    names = set(archive.namelist())
    types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if b"wordprocessingml.document" in types:
        return None
    evidence = types or (archive.read("mimetype")[:200] if "mimetype" in names else b"")
    return next((kind for marker, kind in _OTHER_PACKAGES if marker in evidence), "a zip archive")


def _check_package(path: Path, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            kind = _package_kind(archive)
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception as exc:
        raise InputFileError(path, f"corrupt Word document (damaged zip archive: {exc})") from exc
    if kind is not None:
        raise InputFileError(path, f"{kind}, not a Word document")
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputFileError(path, f"too large once unpacked ({unpacked // (1024 * 1024)} MB)")


def _container_lines(container: WordDocument | _Cell) -> Iterator[str]:
    from docx.text.paragraph import Paragraph

    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            yield item.text
        else:
            yield from _table_lines(item)


def _table_lines(table: Table) -> Iterator[str]:
    """One line per row, cells separated by tabs; a merged cell is read once."""
    # A merged cell appears at every grid position it covers. Its XML element is the same object each
    # time (lxml keeps one proxy per live node), so holding them here makes their ids safe to compare.
    seen: dict[int, object] = {}
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen[id(cell._tc)] = cell._tc
            text = " ".join(line.strip() for line in _container_lines(cell) if line.strip())
            if text:
                cells.append(text)
        yield "\t".join(cells)


def read_docx(path: Path, data: bytes, name: str) -> list[TextRecord]:
    if data.startswith(OLE_MAGIC):
        raise InputFileError(path, OLE_PROBLEM)
    if not data.startswith(ZIP_MAGIC):
        raise InputFileError(path, "not a Word document (a .docx file is a zip archive; this one is not)")
    _check_package(path, data)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        lines = [line.strip() for line in _container_lines(document)]
    except Exception as exc:
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise InputFileError(path, f"corrupt Word document ({detail})") from exc
    text = "\n".join(line for line in lines if line)
    if not text:
        raise InputFileError(path, "the Word document has no text")
    return [TextRecord(name, text)]
