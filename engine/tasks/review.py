"""Double labelling, agreement and the resolution queue. Part of ``ws.tasks``."""

from __future__ import annotations

import random
from itertools import combinations
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from engine.clock import now
from engine.errors import AirlockError
from engine.store.models import Assignment, Example, Label, Task
from engine.tasks.agreement import AgreementReport, agreement_report, final_label, opinions

if TYPE_CHECKING:
    from engine.members import MembershipService
    from engine.store.workspace_store import WorkspaceStore


def labels_by_example(s: Session, task_id: int) -> dict[int, dict[str, str]]:
    """Example id -> annotator -> value, for every labelled example of the task."""
    rows = s.execute(select(Label.example_id, Label.annotator, Label.value)
                     .join(Example, Example.id == Label.example_id).where(Example.task_id == task_id))
    found: dict[int, dict[str, str]] = {}
    for example_id, who, value in rows:
        found.setdefault(example_id, {})[who] = value
    return found


class Review:
    store: WorkspaceStore
    membership: MembershipService

    def _labels(self, task_id: int) -> dict[int, dict[str, str]]:
        with self.store.reader() as s:
            if s.get(Task, task_id) is None:
                raise AirlockError(f"no task with id {task_id}")
            return labels_by_example(s, task_id)

    def assign_double(self, task_id: int, share: float, annotators: list[str], seed: int = 0) -> int:
        """Give a random ``share`` of the task's examples to two annotators each, rotating through
        every pair of ``annotators``. Replaces the task's earlier assignments; returns how many
        examples were assigned."""
        self.membership.require("expert", "assigning labelling")
        people = list(dict.fromkeys(a.strip() for a in annotators if a.strip()))
        if len(people) < 2:
            raise AirlockError("double labelling needs at least two different annotators")
        if not 0.0 <= share <= 1.0:
            raise AirlockError(f"the share must be between 0 and 1 (0.2 means 20 %), not {share}")
        pairs = list(combinations(people, 2))
        with self.store.unit() as s:
            if s.get(Task, task_id) is None:
                raise AirlockError(f"no task with id {task_id}")
            ids = list(s.scalars(select(Example.id).where(Example.task_id == task_id).order_by(Example.id)))
            chosen = sorted(random.Random(seed).sample(ids, round(share * len(ids))))
            s.execute(delete(Assignment).where(Assignment.example_id.in_(
                select(Example.id).where(Example.task_id == task_id))))
            stamp = now()
            rows = [{"example_id": ex_id, "annotator": who, "created_at": stamp}
                    for i, ex_id in enumerate(chosen) for who in pairs[i % len(pairs)]]
            if rows:
                s.execute(insert(Assignment), rows)
            self.store.audit.record(s, "labelling.assigned", f"task:{task_id}",
                                 {"share": share, "annotators": people, "seed": seed, "examples": len(chosen)})
        return len(chosen)

    def assigned(self, task_id: int, annotator: str | None = None) -> list[int]:
        """Example ids given to ``annotator`` (default: the current user) for double labelling."""
        annotator = annotator or self.store.identity.os_user
        with self.store.reader() as s:
            return list(s.scalars(select(Assignment.example_id).join(Example, Example.id == Assignment.example_id)
                                  .where(Example.task_id == task_id, Assignment.annotator == annotator)
                                  .order_by(Assignment.example_id)))

    def agreement(self, task_id: int) -> AgreementReport:
        return agreement_report(task_id, self._labels(task_id))

    def disagreements(self, task_id: int) -> list[int]:
        """Examples whose annotators gave different answers and that nobody resolved yet."""
        return sorted(ex_id for ex_id, labels in self._labels(task_id).items()
                      if len(set(opinions(labels).values())) > 1 and final_label(labels)[0] is None)

    def final_labels(self, task_id: int) -> dict[int, str]:
        """Example id -> the answer a dataset uses (resolution, else the agreed value)."""
        result: dict[int, str] = {}
        for ex_id, labels in self._labels(task_id).items():
            value, _why = final_label(labels)
            if value is not None:
                result[ex_id] = value
        return result
