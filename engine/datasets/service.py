"""Freeze dataset versions into the workspace and read them back."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from engine.clock import now
from engine.datasets.freeze import Candidate, FrozenItem, SplitPlan, freeze, statistics, version_hash
from engine.errors import AirlockError, NotReady
from engine.store.models import DatasetItem, DatasetRejection, DatasetVersion, Example, Label
from engine.workspace import Workspace


@dataclass(frozen=True)
class VersionInfo:
    id: int
    task_id: int
    name: str
    seed: int
    content_hash: str
    stats: dict[str, object]
    rejections: int


@dataclass(frozen=True)
class DatasetRow:
    item_id: int
    example_id: int
    split: str
    input_text: str
    target: str


class DatasetService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def freeze(self, task_id: int, name: str, plan: SplitPlan | None = None) -> VersionInfo:
        plan = plan or SplitPlan()
        task = self.ws.tasks.get(task_id)
        with self.ws.unit() as s:
            examples = s.scalars(select(Example).where(Example.task_id == task_id)
                                 .order_by(Example.id)).all()
            labels: dict[int, list[str]] = {}
            for ex_id, value in s.execute(select(Label.example_id, Label.value)
                                          .join(Example, Example.id == Label.example_id)
                                          .where(Example.task_id == task_id)):
                labels.setdefault(ex_id, []).append(value)
            candidates = [Candidate(e.id, e.input_text, tuple(labels.get(e.id, ())), e.is_golden, e.is_ood)
                          for e in examples]
            if not candidates:
                raise NotReady(f"task {task.name!r} has no examples to freeze")
            allowed = task.labels if task.kind == "classification" else None
            outcome = freeze(candidates, allowed, plan)
            if not outcome.items:
                raise NotReady(f"every example of task {task.name!r} was rejected "
                               f"(first reason: {outcome.rejections[0][1]})")
            fingerprint = json.dumps([task.kind, task.spec, task.system_prompt, task.user_template],
                                     sort_keys=True)
            digest = version_hash(outcome.items, fingerprint, plan.seed)
            existing = s.scalar(select(DatasetVersion).where(DatasetVersion.content_hash == digest))
            if existing is not None:
                raise AirlockError(f"nothing changed: identical to dataset version {existing.name!r} "
                                   f"({digest[:12]})")
            stats = statistics(outcome.items)
            stats["plan"] = plan.__dict__
            version = DatasetVersion(task_id=task_id, name=name, seed=plan.seed, content_hash=digest,
                                     stats=json.dumps(stats), created_by=self.ws.identity.os_user,
                                     created_at=now())
            s.add(version)
            s.flush()
            s.add_all(DatasetItem(version_id=version.id, example_id=it.example_id, split=it.split,
                                  input_text=it.input_text, target=it.target,
                                  content_hash=it.content_hash) for it in outcome.items)
            s.add_all(DatasetRejection(version_id=version.id, example_id=ex_id, reason=reason)
                      for ex_id, reason in outcome.rejections)
            self.ws.audit.record(s, "dataset.frozen", f"dataset_version:{version.id}",
                                 {"name": name, "content_hash": digest, "seed": plan.seed,
                                  "splits": stats["splits"], "rejected": len(outcome.rejections)})
            return VersionInfo(version.id, task_id, name, plan.seed, digest, stats, len(outcome.rejections))

    def get(self, version_id: int) -> VersionInfo:
        with self.ws.reader() as s:
            v = s.get(DatasetVersion, version_id)
            if v is None:
                raise AirlockError(f"no dataset version with id {version_id}")
            n_rej = len(s.scalars(select(DatasetRejection.id)
                                  .where(DatasetRejection.version_id == version_id)).all())
            return VersionInfo(v.id, v.task_id, v.name, v.seed, v.content_hash, json.loads(v.stats), n_rej)

    def rows(self, version_id: int, split: str) -> list[DatasetRow]:
        with self.ws.reader() as s:
            items = s.scalars(select(DatasetItem).where(DatasetItem.version_id == version_id,
                                                        DatasetItem.split == split)
                              .order_by(DatasetItem.id)).all()
            return [DatasetRow(i.id, i.example_id, i.split, i.input_text, i.target) for i in items]


__all__ = ["DatasetRow", "DatasetService", "FrozenItem", "SplitPlan", "VersionInfo"]
