"""``ws.tasks``: create tasks, turn cleared documents into examples, label and review them.

Labelling (set/remove/resolve labels, marks) lives in ``engine.tasks.labelling``; double
labelling, agreement and disagreements in ``engine.tasks.review``; example files in
``engine.tasks.example_import``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.clock import now
from engine.errors import AirlockError, NotReady
from engine.store.models import Document, Example, Label, Task
from engine.tasks import browse
from engine.tasks.browse import BrowseRow, ExampleDetail, ExampleFilter
from engine.tasks.chunking import Chunking, chunk_text
from engine.tasks.labelling import Labelling
from engine.tasks.review import Review
from engine.tasks.spec import TaskInfo, task_info
from engine.tasks.validation import TASK_KINDS, canonical_value, check_spec, value_problems

if TYPE_CHECKING:
    from engine.jobs import JobContext
    from engine.members import MembershipService
    from engine.privacy.service import PrivacyService
    from engine.store.workspace_store import WorkspaceStore
    from engine.tasks.example_import import ImportReport

__all__ = ["TASK_KINDS", "ChunkPreview", "TaskInfo", "TaskService"]


@dataclass(frozen=True)
class ChunkPreview:
    document_id: int
    source_name: str
    index: int  # position of the chunk in its document, from 0
    text: str


class TaskService(Labelling, Review):
    def __init__(self, store: WorkspaceStore, membership: MembershipService, privacy: PrivacyService) -> None:
        from engine.tasks.example_review import ExampleReviews

        self.store = store
        self.membership = membership
        self.privacy = privacy  # imports are reviewed for personal data like documents
        # imported rows with personal data, before they are examples
        self.example_reviews = ExampleReviews(store, membership, privacy, self)

    def create(self, name: str, kind: str, spec: dict[str, Any], system_prompt: str,
               user_template: str) -> TaskInfo:
        self.membership.require("expert", "creating a task")
        check_spec(kind, spec)
        if not name.strip():
            raise AirlockError("a task needs a name")
        if "{input}" not in user_template:
            raise AirlockError("the user template must contain {input}")
        with self.store.unit() as s:
            if s.scalar(select(Task.id).where(Task.name == name)) is not None:
                raise AirlockError(f"a task named {name!r} already exists")
            task = Task(name=name, kind=kind, spec=spec, system_prompt=system_prompt,
                        user_template=user_template, created_at=now())
            s.add(task)
            s.flush()
            self.store.audit.record(s, "task.created", f"task:{task.id}", {"name": name, "kind": kind})
            return task_info(task)

    def create_from_file(self, path: Path) -> TaskInfo:
        """A task described by a JSON file: name, kind, labels or schema (or spec), prompts."""
        self.membership.require("expert", "creating a task")
        from engine.errors import InputFileError

        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise InputFileError(path, f"not valid JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise InputFileError(path, "must hold one JSON object describing the task")
        missing = [k for k in ("name", "kind", "system_prompt", "user_template") if k not in data]
        if missing:
            raise InputFileError(path, f"missing {', '.join(missing)}")
        spec = data.get("spec") or {k: data[k] for k in ("labels", "schema", "max_chars") if k in data}
        return self.create(str(data["name"]), str(data["kind"]), spec, str(data["system_prompt"]),
                           str(data["user_template"]))

    def get(self, task_id: int) -> TaskInfo:
        with self.store.reader() as s:
            task = s.get(Task, task_id)
            if task is None:
                raise AirlockError(f"no task with id {task_id}")
            return task_info(task)

    def find(self, name: str) -> TaskInfo | None:
        with self.store.reader() as s:
            task = s.scalar(select(Task).where(Task.name == name))
            return task_info(task) if task else None

    def all(self) -> list[TaskInfo]:
        with self.store.reader() as s:
            return [task_info(t) for t in s.scalars(select(Task).order_by(Task.name))]

    # -- browsing a task's examples (engine.tasks.browse) --------------------------------------
    def count_examples(self, flt: ExampleFilter) -> int:
        return browse.count(self.store, flt)

    def example_page(self, flt: ExampleFilter, offset: int = 0, limit: int = 200,
                     after_id: int | None = None) -> list[BrowseRow]:
        return browse.page(self.store, flt, offset, limit, after_id)

    def examples_by_id(self, example_ids: list[int], annotator: str) -> list[BrowseRow]:
        return browse.rows_by_id(self.store, example_ids, annotator)

    def example_position(self, flt: ExampleFilter, example_id: int) -> int:
        return browse.position(self.store, flt, example_id)

    def label_values(self, task_id: int) -> list[str]:
        return browse.label_values(self.store, task_id)

    def example_detail(self, example_id: int) -> ExampleDetail | None:
        return browse.detail(self.store, example_id)

    def _cleared(self, document_ids: Iterable[int]) -> list[Document]:
        with self.store.reader() as s:
            docs = []
            for doc_id in document_ids:
                doc = s.get(Document, doc_id)
                if doc is None:
                    raise AirlockError(f"no document with id {doc_id}")
                if doc.status != "cleared" or doc.redacted_text is None:
                    raise NotReady(f"document {doc.source_name} is not cleared of PII yet; "
                                   "review its findings first")
                s.expunge(doc)
                docs.append(doc)
            return docs

    def preview_chunks(self, document_ids: Iterable[int], mode: str = "paragraph", size: int = 2000,
                       overlap: int = 0) -> list[ChunkPreview]:
        """The examples ``examples_from_documents`` would create with this chunking; stores nothing."""
        return [ChunkPreview(doc.id, doc.source_name, i, piece)
                for doc in self._cleared(document_ids)
                for i, piece in enumerate(chunk_text(doc.redacted_text or "", mode, size, overlap))]

    def examples_from_documents(self, task_id: int, document_ids: Iterable[int], label_from_source: bool = False,
                                chunking: Chunking | None = None) -> list[int]:
        """Examples from cleared documents (their redacted text): one per document, or one per chunk;
        optionally labelled with the label the document was imported with."""
        self.membership.require("expert", "creating examples")
        chunking = chunking or Chunking()
        chunking.check()
        task = self.get(task_id)
        docs = self._cleared(document_ids)
        created: list[int] = []
        with self.store.unit() as s:
            for doc in docs:
                label = doc.source_label if label_from_source and doc.source_label else None
                if label is not None:
                    problems = value_problems(task.kind, task.spec, label)
                    if problems:
                        raise AirlockError(f"document {doc.source_name}: {problems[0]}")
                    label = canonical_value(task.kind, label)
                for piece in chunk_text(doc.redacted_text or "", chunking.mode, chunking.size, chunking.overlap):
                    ex = Example(task_id=task_id, document_id=doc.id, origin="document", input_text=piece,
                                 created_at=now())
                    s.add(ex)
                    s.flush()
                    created.append(ex.id)
                    if label is not None:
                        s.add(Label(example_id=ex.id, annotator=f"import:{self.store.identity.os_user}",
                                    value=label, created_at=now()))
            self.store.audit.record(s, "examples.created", f"task:{task_id}",
                                 {"count": len(created), "from": "documents", "documents": len(docs),
                                  "chunking": chunking.__dict__, "labelled_from_source": label_from_source})
        return created

    def import_examples(self, task_id: int, path: Path, fmt: str = "auto", text_column: str = "text",
                        label_column: str = "label", ctx: JobContext | None = None) -> ImportReport:
        """Examples (and their answers) from a chat, prompt/completion, Alpaca, ShareGPT or CSV file."""
        self.membership.require("expert", "importing examples")
        from engine.tasks.example_import import import_file

        return import_file(self, task_id, path, fmt, text_column, label_column, ctx)
