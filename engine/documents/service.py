"""Import documents into the workspace; per-file errors never abort a batch.

Each file is read completely before anything is written, then all of its
documents land in one transaction: a file is imported whole or not at all, so a
failure or a cancel never leaves half of it behind. Identical content (the
sha256 of a file's bytes, or of a row's text) is reported as a duplicate and
not stored twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.blobs import sha256_bytes
from engine.clock import now
from engine.documents.readers import read_file, readable
from engine.documents.sources import MAX_IMPORT_SETTING, SourceFile, collect, read_within_limit, size_limit
from engine.errors import InputFileError
from engine.jobs import JobContext
from engine.store.models import Document
from engine.workspace import Workspace

_LOOKUP_CHUNK = 500  # stays under SQLite's limit on bound parameters


@dataclass
class ImportReport:
    imported: list[int] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # "name: same content as document N (name)"
    errors: list[str] = field(default_factory=list)  # "path: reason", one per skipped file


class DocumentService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def import_files(self, paths: Iterable[Path], ctx: JobContext | None = None,
                     text_field: str = "text", label_field: str | None = None) -> ImportReport:
        """Import files and folders (recursively). A job: raises ``Cancelled`` between files and
        between the pages of a PDF; the file in progress then leaves nothing behind.

        ``text_field`` / ``label_field`` name the CSV column or JSONL field with the text and
        the label; without a label field, one called ``label`` is used where it exists.
        """
        ctx = ctx or JobContext()
        report = ImportReport()
        limit = size_limit(self.ws.setting(MAX_IMPORT_SETTING))
        sources = collect(paths)
        report.errors.extend(f"{readable(str(path))}: {problem}" for path, problem in sources.problems)
        total = max(1, len(sources.files))
        for i, source in enumerate(sources.files):
            ctx.step(i / total, f"Importing {source.name}")
            try:
                self._import_one(source, limit, report, text_field, label_field, ctx.sub(i / total, (i + 1) / total))
            except InputFileError as exc:
                report.errors.append(f"{readable(str(source.path))}: {exc.problem}")
            except OSError as exc:
                report.errors.append(f"{readable(str(source.path))}: cannot be read ({exc.strerror or exc})")
        ctx.report(1.0, f"Imported {len(report.imported)} documents")
        return report

    def _import_one(self, source: SourceFile, limit: int, report: ImportReport, text_field: str,
                    label_field: str | None, ctx: JobContext) -> None:
        data = read_within_limit(source.path, limit)
        fmt, records = read_file(source.path, data, text_field, label_field, name=source.name, check=ctx.check)
        keyed = [(rec, rec.raw if rec.raw is not None else data) for rec in records]
        with self.ws.unit() as s:
            earlier = self._existing(s, {sha256_bytes(raw) for _rec, raw in keyed})
            added: list[int] = []
            duplicates: list[str] = []
            for rec, raw in keyed:
                sha = sha256_bytes(raw)
                if sha in earlier:
                    first_id, first_name = earlier[sha]
                    duplicates.append(f"{rec.name}: same content as document {first_id} ({first_name}), "
                                      "not imported again")
                    continue
                doc = Document(source_name=rec.name, format=fmt, size_bytes=len(raw), page_count=rec.page_count,
                               sha256=sha, original_text=rec.text, redacted_text=None, status="imported",
                               source_label=rec.label, imported_by=self.ws.identity.os_user,
                               imported_at=now())
                s.add(doc)
                s.flush()
                added.append(doc.id)
                earlier[sha] = (doc.id, rec.name)  # a row repeated inside the same file
            if added:
                self.ws.audit.record(s, "documents.imported", f"file:{source.name}",
                                     {"file_sha256": sha256_bytes(data), "format": fmt, "size_bytes": len(data),
                                      "documents": len(added), "duplicates": len(duplicates)})
        report.imported.extend(added)
        report.duplicates.extend(duplicates)

    @staticmethod
    def _existing(s: Session, shas: set[str]) -> dict[str, tuple[int, str]]:
        """sha256 -> (id, source name) of the first stored document with that content."""
        found: dict[str, tuple[int, str]] = {}
        wanted = sorted(shas)
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            rows = s.execute(select(Document.sha256, Document.id, Document.source_name)
                             .where(Document.sha256.in_(wanted[start:start + _LOOKUP_CHUNK]))
                             .order_by(Document.id.desc()))
            found.update((sha, (doc_id, name)) for sha, doc_id, name in rows)
        return found

    def ids(self, status: str | None = None) -> list[int]:
        with self.ws.reader() as s:
            stmt = select(Document.id).order_by(Document.id)
            if status:
                stmt = stmt.where(Document.status == status)
            return list(s.scalars(stmt))
