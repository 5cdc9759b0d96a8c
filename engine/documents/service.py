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
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.blobs import sha256_bytes
from engine.clock import now
from engine.documents.listing import DocumentRow, DocumentText, document_rows, document_text
from engine.documents.parsing import Parsed, describe, parse_all
from engine.documents.readers import readable
from engine.documents.sources import MAX_IMPORT_SETTING, SourceFile, collect, size_limit
from engine.file_names import NameRedactor
from engine.jobs import JobContext
from engine.store.models import Document

if TYPE_CHECKING:
    from engine.members import MembershipService
    from engine.privacy.service import PrivacyService
    from engine.store.workspace_store import WorkspaceStore

_LOOKUP_CHUNK = 500  # stays under SQLite's limit on bound parameters


@dataclass
class ImportReport:
    imported: list[int] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # "name: same content as document N (name)"
    errors: list[str] = field(default_factory=list)  # "path: reason", one per skipped file


class DocumentService:
    def __init__(self, store: WorkspaceStore, membership: MembershipService, privacy: PrivacyService) -> None:
        self.store = store
        self.membership = membership
        self.privacy = privacy

    def import_files(self, paths: Iterable[Path], ctx: JobContext | None = None,
                     text_field: str = "text", label_field: str | None = None, workers: int = 1) -> ImportReport:
        """Import files and folders (recursively). A job: raises ``Cancelled`` between files and
        (with one worker) between the pages of a PDF; the file in progress then leaves nothing behind.

        ``text_field`` / ``label_field`` name the CSV column or JSONL field with the text and
        the label; without a label field, one called ``label`` is used where it exists.
        ``workers`` > 1 reads files in that many processes while this one stores them.
        """
        self.membership.require("expert", "importing documents")
        ctx = ctx or JobContext()
        report = ImportReport()
        limit = size_limit(self.store.setting(MAX_IMPORT_SETTING))
        sources = collect(paths)
        report.errors.extend(f"{readable(str(path))}: {problem}" for path, problem in sources.problems)
        total = max(1, len(sources.files))
        names = NameRedactor(self.privacy)  # names are stored, audited and shown in progress only redacted

        def announce(i: int, source: SourceFile) -> None:
            ctx.step(i / total, f"Importing {names(source.name)}")

        for result in parse_all(sources.files, limit, text_field, label_field, workers, ctx.check, announce):
            if result.problem is not None:
                report.errors.append(describe(result))  # names the file as given: the importer must find it
                continue
            self._store(result, report, names)
        ctx.report(1.0, f"Imported {len(report.imported)} documents")
        return report

    def _store(self, parsed: Parsed, report: ImportReport, names: NameRedactor) -> None:
        """All documents of one file in one transaction, duplicates reported."""
        keyed = [(rec, sha256_bytes(rec.raw) if rec.raw is not None else parsed.file_sha256,
                  len(rec.raw) if rec.raw is not None else parsed.size) for rec in parsed.records]
        with self.store.unit() as s:
            earlier = self._existing(s, {sha for _rec, sha, _size in keyed})
            added: list[int] = []
            duplicates: list[str] = []
            for rec, sha, size in keyed:
                if sha in earlier:
                    first_id, first_name = earlier[sha]
                    duplicates.append(f"{rec.name}: same content as document {first_id} ({first_name}), "
                                      "not imported again")
                    continue
                doc = Document(source_name=names(rec.name), format=parsed.format, size_bytes=size,
                               page_count=rec.page_count, sha256=sha, original_text=rec.text, redacted_text=None,
                               status="imported", source_label=rec.label, imported_by=self.store.identity.os_user,
                               imported_at=now())
                s.add(doc)
                s.flush()
                added.append(doc.id)
                earlier[sha] = (doc.id, rec.name)  # a row repeated inside the same file
            if added:
                self.store.audit.record(s, "documents.imported", f"file:{names(parsed.source.name)}",
                                     {"file_sha256": parsed.file_sha256, "format": parsed.format,
                                      "size_bytes": parsed.size, "documents": len(added),
                                      "duplicates": len(duplicates)})
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

    def rows(self) -> list[DocumentRow]:
        """Every document, newest first, with its number of PII findings (for the Documents list)."""
        return document_rows(self.store)

    def text(self, document_id: int) -> DocumentText | None:
        """What a reviewer may see of a document (None: no such document)."""
        return document_text(self.store, self.privacy, document_id)

    def ids(self, status: str | None = None) -> list[int]:
        with self.store.reader() as s:
            stmt = select(Document.id).order_by(Document.id)
            if status:
                stmt = stmt.where(Document.status == status)
            return list(s.scalars(stmt))
