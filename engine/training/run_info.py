"""A training run as every screen and command sees it (``RunInfo``), and the reads that build it:
one run, every run with its base model's and dataset version's names, and a run's loss curve.
Reached through ``ws.training``; nothing here writes."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.store.lease import Holder, holder_of
from engine.store.models import BaseModel, DatasetVersion, TrainingMetric, TrainingRun
from engine.training.spec import DETACHED_WORKER, RESULT_FILE, WORKER_LEASE_FILE

if TYPE_CHECKING:
    from engine.store.workspace_store import WorkspaceStore

TERMINAL = ("succeeded", "failed", "cancelled")
FINAL_LOSS = "final_loss"  # the key the training backends write into final_metrics


@dataclass(frozen=True)
class RunInfo:
    id: int
    status: str
    backend: str | None
    backend_reason: str | None
    run_dir: Path
    error: str | None
    final_metrics: dict[str, float]
    config: dict[str, Any]
    dataset_version_id: int
    base_model_id: int
    adapter_sha256: str | None
    created_at: datetime
    finished_at: datetime | None
    dataset_hash: str | None = None
    base_model_sha256: str | None = None
    seed: int | None = None
    estimate: dict[str, Any] | None = None
    worker: Holder | None = None  # the worker process holding the run now (None: none is)
    base_model_name: str = ""
    dataset_version_name: str = ""
    logged_loss: float | None = None  # the last loss the worker logged

    @property
    def detached(self) -> bool:
        """Started to outlive its window: it keeps running when the window (or command) closes."""
        return self.worker is not None and self.worker.program == DETACHED_WORKER

    @property
    def merged_dir(self) -> Path:
        return self.run_dir / "merged"

    @property
    def final_loss(self) -> float | None:
        """The training loss at the end (from the final metrics; while running, the last one logged)."""
        value = self.final_metrics.get(FINAL_LOSS)
        return float(value) if isinstance(value, int | float) else self.logged_loss

    def result(self) -> dict[str, Any]:
        path = self.run_dir / RESULT_FILE
        return dict(json.loads(path.read_text())) if path.is_file() else {}


@dataclass(frozen=True)
class CurvePoint:
    step: int
    epoch: float
    loss: float | None
    eval_loss: float | None
    learning_rate: float | None
    tokens_per_second: float | None


def run_info(r: TrainingRun, base_name: str = "", version_name: str = "",
             logged_loss: float | None = None) -> RunInfo:
    info = RunInfo(r.id, r.status, r.backend, r.backend_reason, Path(r.run_dir), r.error,
                   r.final_metrics or {}, r.config,
                   r.dataset_version_id, r.base_model_id, r.adapter_sha256, r.created_at, r.finished_at,
                   r.dataset_hash, r.base_model_sha256, r.seed, r.estimate or None,
                   base_model_name=base_name, dataset_version_name=version_name, logged_loss=logged_loss)
    if info.status in TERMINAL:
        return info
    return replace(info, worker=holder_of(info.run_dir / WORKER_LEASE_FILE))


def run_infos(store: WorkspaceStore, run_id: int | None = None, newest_first: bool = False) -> list[RunInfo]:
    """Runs (one, or all) with their base model's and dataset version's names and last logged loss."""
    stmt = (select(TrainingRun, BaseModel.name, DatasetVersion.name)
            .join(BaseModel, BaseModel.id == TrainingRun.base_model_id)
            .join(DatasetVersion, DatasetVersion.id == TrainingRun.dataset_version_id))
    losses = (select(TrainingMetric.run_id, TrainingMetric.loss).where(TrainingMetric.loss.is_not(None))
              .order_by(TrainingMetric.run_id, TrainingMetric.step))
    if run_id is not None:
        stmt = stmt.where(TrainingRun.id == run_id)
        losses = losses.where(TrainingMetric.run_id == run_id)
    order = (TrainingRun.created_at.desc(), TrainingRun.id.desc()) if newest_first else (TrainingRun.id,)
    with store.reader() as s:
        rows = s.execute(stmt.order_by(*order)).all()
        logged = {rid: loss for rid, loss in s.execute(losses)}  # the last one per run wins
    return [run_info(run, base, version, logged.get(run.id)) for run, base, version in rows]


def loss_curve(store: WorkspaceStore, run_id: int) -> list[CurvePoint]:
    stmt = (select(TrainingMetric).where(TrainingMetric.run_id == run_id)
            .order_by(TrainingMetric.step, TrainingMetric.id))
    with store.reader() as s:
        return [CurvePoint(m.step, m.epoch, m.loss, m.eval_loss, m.learning_rate, m.tokens_per_second)
                for m in s.scalars(stmt)]
