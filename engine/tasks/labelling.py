"""Giving, taking back and resolving labels; marking examples. Part of ``ws.tasks``.

Every change is one unit of work with its audit event. Values are checked against the
task (label set, JSON schema, length) and stored in canonical form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.clock import now
from engine.errors import AirlockError
from engine.store.models import Example, Label, Task
from engine.tasks.agreement import RESOLUTION_PREFIX
from engine.tasks.spec import TaskInfo, task_info
from engine.tasks.validation import checked_value, value_problems

if TYPE_CHECKING:
    from engine.members import MembershipService
    from engine.store.workspace_store import WorkspaceStore


def example_and_task(s: Session, example_id: int) -> tuple[Example, TaskInfo]:
    ex = s.get(Example, example_id)
    if ex is None:
        raise AirlockError(f"no example with id {example_id}")
    return ex, task_info(s.get_one(Task, ex.task_id))


class Labelling:
    store: WorkspaceStore
    membership: MembershipService

    def validate_value(self, task_id: int, value: str) -> list[str]:
        """Problems with ``value`` as an answer for the task; empty when it is valid."""
        with self.store.reader() as s:
            task = s.get(Task, task_id)
            if task is None:
                raise AirlockError(f"no task with id {task_id}")
            info = task_info(task)
        return value_problems(info.kind, info.spec, value)

    def set_label(self, example_id: int, value: str, annotator: str | None = None) -> None:
        self.membership.require("expert", "labelling")
        annotator = annotator or self.store.identity.os_user
        with self.store.unit() as s:
            _ex, task = example_and_task(s, example_id)
            value = checked_value(task.kind, task.spec, value)
            row = s.scalar(select(Label).where(Label.example_id == example_id, Label.annotator == annotator))
            old = row.value if row else None
            if row is None:
                s.add(Label(example_id=example_id, annotator=annotator, value=value, created_at=now()))
            else:
                row.value, row.created_at = value, now()
            self.store.audit.record(s, "label.set", f"example:{example_id}",
                                 {"annotator": annotator, "old": old, "new": value})

    def remove_label(self, example_id: int, annotator: str | None = None) -> None:
        """Take back an annotator's label (undo); nothing happens when there is none."""
        self.membership.require("expert", "labelling")
        annotator = annotator or self.store.identity.os_user
        with self.store.unit() as s:
            example_and_task(s, example_id)
            row = s.scalar(select(Label).where(Label.example_id == example_id, Label.annotator == annotator))
            if row is None:
                return
            old = row.value
            s.delete(row)
            self.store.audit.record(s, "label.removed", f"example:{example_id}", {"annotator": annotator, "old": old})

    def resolve(self, example_id: int, value: str) -> None:
        """Settle a disagreement: the resolution is the example's final label."""
        self.membership.require("expert", "labelling")
        who = f"{RESOLUTION_PREFIX}{self.store.identity.os_user}"
        with self.store.unit() as s:
            _ex, task = example_and_task(s, example_id)
            value = checked_value(task.kind, task.spec, value)
            given = {lb.annotator: lb.value for lb in s.scalars(select(Label).where(Label.example_id == example_id))}
            s.execute(delete(Label).where(Label.example_id == example_id,
                                          Label.annotator.startswith(RESOLUTION_PREFIX, autoescape=True)))
            s.add(Label(example_id=example_id, annotator=who, value=value, created_at=now()))
            self.store.audit.record(s, "label.resolved", f"example:{example_id}",
                                 {"annotator": who, "value": value, "given": given})

    def set_marks(self, example_id: int, *, flagged: bool | None = None, golden: bool | None = None,
                  ood: bool | None = None, note: str | None = None) -> None:
        """Change the marks given (None leaves one as it is; note "" clears the note)."""
        self.membership.require("expert", "labelling")
        with self.store.unit() as s:
            ex, _task = example_and_task(s, example_id)
            changed: dict[str, object] = {}
            for name, attr, new in (("flagged", "flagged", flagged), ("golden", "is_golden", golden),
                                    ("ood", "is_ood", ood)):
                if new is not None and bool(getattr(ex, attr)) != new:
                    changed[name] = new
                    setattr(ex, attr, new)
            if note is not None and (ex.note or "") != note:
                ex.note = note or None
                changed["note"] = "cleared" if not note else "changed"  # the note's text stays out of the log
            if changed:
                self.store.audit.record(s, "example.marked", f"example:{example_id}", changed)
