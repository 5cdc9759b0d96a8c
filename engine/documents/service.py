"""Import documents into the workspace; per-file errors never abort a batch."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from engine.blobs import sha256_bytes
from engine.clock import now
from engine.documents.readers import TEXT_FORMATS, read_file
from engine.errors import InputFileError
from engine.jobs import JobContext
from engine.store.models import Document
from engine.workspace import Workspace

MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass
class ImportReport:
    imported: list[int] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in TEXT_FORMATS))
        else:
            files.append(p)
    return files


class DocumentService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def import_files(self, paths: Iterable[Path], ctx: JobContext | None = None,
                     text_field: str = "text", label_field: str = "label") -> ImportReport:
        ctx = ctx or JobContext()
        report = ImportReport()
        files = expand_paths(paths)
        for i, path in enumerate(files):
            ctx.step(i / max(1, len(files)), f"Importing {path.name}")
            try:
                self._import_one(path, report, text_field, label_field)
            except InputFileError as exc:
                report.errors.append(str(exc))
            except OSError as exc:
                report.errors.append(f"{path}: cannot be read ({exc.strerror or exc})")
        ctx.report(1.0, f"Imported {len(report.imported)} documents")
        return report

    def _import_one(self, path: Path, report: ImportReport, text_field: str, label_field: str) -> None:
        if path.is_symlink() and not path.exists():
            raise InputFileError(path, "broken link")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputFileError(path, f"too large ({size} bytes; the limit is {MAX_FILE_BYTES})")
        data = path.read_bytes()
        fmt, records = read_file(path, data, text_field, label_field)
        # All rows of one file land in one transaction: a file is imported whole or not at all.
        with self.ws.unit() as s:
            added = []
            for rec in records:
                raw = rec.text.encode("utf-8") if len(records) > 1 else data
                sha = sha256_bytes(raw)
                if s.scalar(select(Document.id).where(Document.sha256 == sha)) is not None:
                    report.duplicates.append(rec.name)
                    continue
                doc = Document(source_name=rec.name, format=fmt, size_bytes=len(raw), page_count=None,
                               sha256=sha, original_text=rec.text, redacted_text=None, status="imported",
                               source_label=rec.label, imported_by=self.ws.identity.os_user,
                               imported_at=now())
                s.add(doc)
                s.flush()
                added.append(doc.id)
            if added:
                self.ws.audit.record(s, "documents.imported", f"file:{path.name}",
                                     {"file_sha256": sha256_bytes(data), "format": fmt,
                                      "documents": len(added), "duplicates": len(records) - len(added)})
            report.imported.extend(added)

    def ids(self, status: str | None = None) -> list[int]:
        with self.ws.reader() as s:
            stmt = select(Document.id).order_by(Document.id)
            if status:
                stmt = stmt.where(Document.status == status)
            return list(s.scalars(stmt))
