"""Create tasks, turn cleared documents into examples, record labels."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from engine.clock import now
from engine.errors import AirlockError, NotReady
from engine.store.models import Document, Example, Label, Task
from engine.workspace import Workspace

TASK_KINDS = ("classification", "extraction", "generation")


@dataclass(frozen=True)
class TaskInfo:
    id: int
    name: str
    kind: str
    labels: tuple[str, ...]
    spec: dict[str, object]
    system_prompt: str
    user_template: str


def _info(task: Task) -> TaskInfo:
    spec = json.loads(task.spec)
    labels = tuple(str(item["name"]) for item in spec.get("labels", []))
    return TaskInfo(task.id, task.name, task.kind, labels, spec, task.system_prompt, task.user_template)


class TaskService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def create(self, name: str, kind: str, spec: dict[str, object], system_prompt: str,
               user_template: str) -> TaskInfo:
        if kind not in TASK_KINDS:
            raise AirlockError(f"unknown task kind {kind!r}; choose one of {', '.join(TASK_KINDS)}")
        if "{input}" not in user_template:
            raise AirlockError("the user template must contain {input}")
        if kind == "classification" and not spec.get("labels"):
            raise AirlockError("a classification task needs at least one label")
        with self.ws.unit() as s:
            if s.scalar(select(Task.id).where(Task.name == name)) is not None:
                raise AirlockError(f"a task named {name!r} already exists")
            task = Task(name=name, kind=kind, spec=json.dumps(spec), system_prompt=system_prompt,
                        user_template=user_template, created_at=now())
            s.add(task)
            s.flush()
            self.ws.audit.record(s, "task.created", f"task:{task.id}", {"name": name, "kind": kind})
            return _info(task)

    def get(self, task_id: int) -> TaskInfo:
        with self.ws.reader() as s:
            task = s.get(Task, task_id)
            if task is None:
                raise AirlockError(f"no task with id {task_id}")
            return _info(task)

    def find(self, name: str) -> TaskInfo | None:
        with self.ws.reader() as s:
            task = s.scalar(select(Task).where(Task.name == name))
            return _info(task) if task else None

    def examples_from_documents(self, task_id: int, document_ids: Iterable[int],
                                label_from_source: bool = False) -> list[int]:
        """One example per cleared document (its redacted text); optionally labelled
        with the label the document was imported with."""
        task = self.get(task_id)
        created: list[int] = []
        with self.ws.unit() as s:
            for doc_id in document_ids:
                doc = s.get(Document, doc_id)
                if doc is None:
                    raise AirlockError(f"no document with id {doc_id}")
                if doc.status != "cleared" or doc.redacted_text is None:
                    raise NotReady(f"document {doc.source_name} is not cleared of PII yet; "
                                   "review its findings first")
                ex = Example(task_id=task_id, document_id=doc.id, origin="document",
                             input_text=doc.redacted_text, created_at=now())
                s.add(ex)
                s.flush()
                created.append(ex.id)
                if label_from_source and doc.source_label:
                    if doc.source_label not in task.labels:
                        raise AirlockError(f"document {doc.source_name}: label {doc.source_label!r} "
                                           f"is not in the task's label set {task.labels}")
                    s.add(Label(example_id=ex.id, annotator=f"import:{self.ws.identity.os_user}",
                                value=doc.source_label, created_at=now()))
            self.ws.audit.record(s, "examples.created", f"task:{task_id}",
                                 {"count": len(created), "from": "documents",
                                  "labelled_from_source": label_from_source})
        return created

    def set_label(self, example_id: int, value: str, annotator: str | None = None) -> None:
        annotator = annotator or self.ws.identity.os_user
        with self.ws.unit() as s:
            ex = s.get(Example, example_id)
            if ex is None:
                raise AirlockError(f"no example with id {example_id}")
            task = _info(s.get_one(Task, ex.task_id))
            if task.kind == "classification" and value not in task.labels:
                raise AirlockError(f"label {value!r} is not in the task's label set {task.labels}")
            row = s.scalar(select(Label).where(Label.example_id == example_id,
                                               Label.annotator == annotator))
            old = row.value if row else None
            if row is None:
                s.add(Label(example_id=example_id, annotator=annotator, value=value, created_at=now()))
            else:
                row.value, row.created_at = value, now()
            self.ws.audit.record(s, "label.set", f"example:{example_id}",
                                 {"annotator": annotator, "old": old, "new": value})
