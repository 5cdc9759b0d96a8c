"""A dataset version as every screen and command sees it (``VersionInfo``), its rejections, and the
reads that build them. Reached through ``ws.datasets``; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from engine.store.models import DatasetItem, DatasetRejection, DatasetVersion, Example, Task
from engine.tasks.display import excerpt

if TYPE_CHECKING:
    from engine.store.workspace_store import WorkspaceStore

SPLIT_ORDER = ("train", "eval", "test", "golden", "ood")


@dataclass(frozen=True)
class VersionInfo:
    id: int
    task_id: int
    name: str
    seed: int
    content_hash: str
    stats: dict[str, Any]
    rejections: int
    task_name: str = ""
    created_by: str = ""
    created_at: datetime | None = None

    @property
    def split_counts(self) -> dict[str, int]:
        """Items per split, as freezing wrote them (``stats["splits"]``), in the usual split order."""
        counts = {str(k): int(v) for k, v in dict(self.stats.get("splits") or {}).items()}
        known = [k for k in SPLIT_ORDER if k in counts]
        return {k: counts[k] for k in known + sorted(set(counts) - set(known))}

    @property
    def total(self) -> int:
        return sum(self.split_counts.values())


@dataclass(frozen=True)
class Rejection:
    example_id: int
    reason: str
    input_excerpt: str = ""


def version_infos(store: WorkspaceStore, version_id: int | None = None, task_id: int | None = None,
                  newest_first: bool = False) -> list[VersionInfo]:
    stmt = select(DatasetVersion, Task.name).join(Task, Task.id == DatasetVersion.task_id)
    rejected = select(DatasetRejection.version_id, func.count()).group_by(DatasetRejection.version_id)
    if version_id is not None:
        stmt = stmt.where(DatasetVersion.id == version_id)
        rejected = rejected.where(DatasetRejection.version_id == version_id)
    if task_id is not None:
        stmt = stmt.where(DatasetVersion.task_id == task_id)
    order = (DatasetVersion.created_at.desc(), DatasetVersion.id.desc()) if newest_first else (DatasetVersion.id,)
    with store.reader() as s:
        rows = s.execute(stmt.order_by(*order)).all()
        n_rejected = {vid: int(n) for vid, n in s.execute(rejected)}
    return [VersionInfo(v.id, v.task_id, v.name, v.seed, v.content_hash, v.stats,
                        n_rejected.get(v.id, 0), task_name, v.created_by, v.created_at)
            for v, task_name in rows]


def rejections(store: WorkspaceStore, version_id: int) -> list[Rejection]:
    stmt = (select(DatasetRejection.example_id, DatasetRejection.reason, Example.input_text)
            .join(Example, Example.id == DatasetRejection.example_id)
            .where(DatasetRejection.version_id == version_id).order_by(DatasetRejection.id))
    with store.reader() as s:
        return [Rejection(ex_id, why, excerpt(text)) for ex_id, why, text in s.execute(stmt)]


def item_lengths(store: WorkspaceStore, version_id: int) -> list[int]:
    """Characters per item (input + answer), for a version's length histogram; no texts are loaded."""
    stmt = (select(func.length(DatasetItem.input_text) + func.length(DatasetItem.target))
            .where(DatasetItem.version_id == version_id))
    with store.reader() as s:
        return [int(n or 0) for n in s.scalars(stmt)]
