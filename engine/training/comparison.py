"""Training runs side by side: what was set differently, how the loss curves ran, how they ended,
and how the models they produced scored.

``compare_runs`` reads only what the runs stored (config, metrics, final metrics, exported
artifacts and their evaluation runs); it changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.errors import AirlockError
from engine.store.models import BaseModel, DatasetVersion, EvaluationRun, ModelArtifact, TrainingRun
from engine.training.run_info import CurvePoint, loss_curve

if TYPE_CHECKING:
    from engine.workspace import Workspace


@dataclass(frozen=True)
class RunEvaluation:
    evaluation_run_id: int
    artifact: str
    split: str
    dataset_version: str
    quality_metric: str
    quality: float | None


@dataclass(frozen=True)
class ComparedRun:
    id: int
    status: str
    dataset_version: str
    base_model: str
    config: dict[str, Any]
    final_metrics: dict[str, Any]
    curve: list[CurvePoint]
    evaluations: list[RunEvaluation] = field(default_factory=list)

    @property
    def last_loss(self) -> float | None:
        losses = [p.loss for p in self.curve if p.loss is not None]
        return losses[-1] if losses else None

    @property
    def last_eval_loss(self) -> float | None:
        losses = [p.eval_loss for p in self.curve if p.eval_loss is not None]
        return losses[-1] if losses else None


@dataclass
class RunComparison:
    runs: list[ComparedRun]
    differences: dict[str, list[Any]]  # setting -> value per run, only where the runs differ
    shared: dict[str, Any]  # settings every run had alike

    def as_dict(self) -> dict[str, Any]:
        return {"runs": [{"id": r.id, "status": r.status, "dataset_version": r.dataset_version,
                          "base_model": r.base_model, "config": r.config, "final_metrics": r.final_metrics,
                          "last_loss": r.last_loss, "last_eval_loss": r.last_eval_loss,
                          "curve": [p.__dict__ for p in r.curve],
                          "evaluations": [e.__dict__ for e in r.evaluations]} for r in self.runs],
                "differences": self.differences, "shared": self.shared}


def _evaluations(ws: Workspace, run_id: int) -> list[RunEvaluation]:
    stmt = (select(EvaluationRun, ModelArtifact.name, DatasetVersion.name)
            .join(ModelArtifact, ModelArtifact.id == EvaluationRun.artifact_id)
            .join(DatasetVersion, DatasetVersion.id == EvaluationRun.dataset_version_id)
            .where(ModelArtifact.run_id == run_id, EvaluationRun.status == "succeeded")
            .order_by(EvaluationRun.id))
    out = []
    with ws.reader() as s:
        for ev, artifact, version in s.execute(stmt):
            m = ev.metrics or {}
            quality = m.get("quality", m.get("accuracy"))
            out.append(RunEvaluation(ev.id, artifact, ev.split, version, str(m.get("quality_metric", "accuracy")),
                                     float(quality) if quality is not None else None))
    return out


def compare_runs(ws: Workspace, run_ids: list[int]) -> RunComparison:
    ids = list(dict.fromkeys(run_ids))
    if len(ids) < 2:
        raise AirlockError("name at least two training runs to compare")
    runs: list[ComparedRun] = []
    with ws.reader() as s:
        found = {r.id: (r, base, version) for r, base, version in s.execute(
            select(TrainingRun, BaseModel.name, DatasetVersion.name)
            .join(BaseModel, BaseModel.id == TrainingRun.base_model_id)
            .join(DatasetVersion, DatasetVersion.id == TrainingRun.dataset_version_id)
            .where(TrainingRun.id.in_(ids)))}
    for run_id in ids:
        if run_id not in found:
            raise AirlockError(f"no training run with id {run_id}")
        run, base, version = found[run_id]
        runs.append(ComparedRun(run.id, run.status, version, base, run.config,
                                run.final_metrics or {},
                                loss_curve(ws.store, run.id), _evaluations(ws, run.id)))
    settings: dict[str, list[Any]] = {"dataset version": [r.dataset_version for r in runs],
                                      "base model": [r.base_model for r in runs]}
    for key in dict.fromkeys(k for r in runs for k in r.config):
        settings[key] = [r.config.get(key) for r in runs]
    differences = {k: v for k, v in settings.items() if any(x != v[0] for x in v)}
    shared = {k: v[0] for k, v in settings.items() if k not in differences}
    return RunComparison(runs, differences, shared)
