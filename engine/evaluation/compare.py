"""Compare evaluation runs on the same split: metrics, cost, and paired bootstrap differences."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.errors import AirlockError
from engine.evaluation.bootstrap import Difference, paired_bootstrap
from engine.evaluation.cost import CloudAlternative, CostModel
from engine.store.models import DatasetVersion, EvaluationRun, ModelArtifact, Prediction

if TYPE_CHECKING:
    from engine.evaluation.service import EvaluationService
    from engine.jobs import JobContext


@dataclass(frozen=True)
class RunSummary:
    id: int
    model_label: str
    artifact_id: int | None
    model_sha256: str
    dataset_version_id: int
    dataset_version: str
    dataset_hash: str
    split: str
    prompt_mode: str
    shots: int
    seed: int
    status: str
    metrics: dict[str, Any]
    cost_per_1k: float | None
    cost_per_month: float | None

    @property
    def quality(self) -> float | None:
        value = self.metrics.get("quality", self.metrics.get("accuracy"))
        return float(value) if value is not None else None

    @property
    def quality_metric(self) -> str:
        return str(self.metrics.get("quality_metric", "accuracy"))


@dataclass(frozen=True)
class PairDiff:
    a: int
    b: int
    a_label: str
    b_label: str
    difference: Difference


@dataclass
class Comparison:
    runs: list[RunSummary]
    pairs: list[PairDiff]
    currency: str
    cloud: CloudAlternative | None = None
    monthly_requests: float = 0.0
    promoted_artifact: int | None = None
    leakage: list[str] = field(default_factory=list)  # models trained on items they are compared on

    def table(self) -> list[dict[str, Any]]:
        """approach | quality | p95 latency | cost per month, one row per run (and the cloud figures)."""
        rows = [{"approach": f"{r.model_label} ({r.prompt_mode}"
                             + (", promoted)" if r.artifact_id and r.artifact_id == self.promoted_artifact else ")"),
                 "run": r.id, "quality": r.quality,
                 "quality_metric": r.quality_metric, "p95_latency_ms": r.metrics.get("latency_p95_ms"),
                 "cost_per_month": r.cost_per_month, "cost_per_1k": r.cost_per_1k} for r in self.runs]
        if self.cloud is not None:
            rows.append({"approach": f"{self.cloud.name} (cloud, as entered)", "run": None,
                         "quality": self.cloud.quality, "quality_metric": self.runs[0].quality_metric,
                         "p95_latency_ms": self.cloud.p95_latency_ms,
                         "cost_per_month": self.cloud.cost_per_1k * self.monthly_requests / 1000,
                         "cost_per_1k": self.cloud.cost_per_1k})
        return rows

    def as_dict(self) -> dict[str, Any]:
        return {"currency": self.currency, "monthly_requests": self.monthly_requests,
                "runs": [asdict(r) | {"quality": r.quality} for r in self.runs],
                "pairs": [{"a": p.a, "b": p.b, "a_label": p.a_label, "b_label": p.b_label,
                           **asdict(p.difference), "within_noise": p.difference.within_noise}
                          for p in self.pairs],
                "table": self.table(), "leakage": self.leakage}


def summaries(ev: EvaluationService, run_ids: list[int]) -> list[RunSummary]:
    cost = CostModel.from_settings(ev.store.setting)
    with ev.store.reader() as s:
        found = {r.id: (r, v) for r, v in s.execute(
            select(EvaluationRun, DatasetVersion)
            .join(DatasetVersion, DatasetVersion.id == EvaluationRun.dataset_version_id)
            .where(EvaluationRun.id.in_(run_ids)))}
    out = []
    for rid in run_ids:
        if rid not in found:
            raise AirlockError(f"no evaluation run with id {rid}")
        run, version = found[rid]
        metrics = run.metrics or {}
        mean = metrics.get("latency_mean_ms", metrics.get("latency_p50_ms"))
        per_1k = cost.per_1k_requests(float(mean)) if mean is not None else None
        out.append(RunSummary(run.id, run.model_label, run.artifact_id, run.model_sha256, version.id, version.name,
                              version.content_hash, run.split, run.prompt_mode, run.shots, run.seed, run.status,
                              metrics, per_1k, cost.per_month(per_1k) if per_1k is not None else None))
    return out


def item_scores(ev: EvaluationService, run_id: int) -> dict[int, float]:
    """dataset item id -> the item's score in this run (1/0 from ``correct`` where no score was stored)."""
    with ev.store.reader() as s:
        rows = s.execute(select(Prediction.dataset_item_id, Prediction.score, Prediction.correct)
                         .where(Prediction.evaluation_run_id == run_id)).all()
    return {item: float(score) if score is not None else (1.0 if ok else 0.0) for item, score, ok in rows}


def difference(ev: EvaluationService, run_a: int, run_b: int, seed: int, resamples: int,
               level: float = 0.95) -> Difference | None:
    """B minus A on the items both runs answered (None when they share none)."""
    a, b = item_scores(ev, run_a), item_scores(ev, run_b)
    common = sorted(set(a) & set(b))
    if not common:
        return None
    return paired_bootstrap([a[i] for i in common], [b[i] for i in common], resamples, seed, level)


def compare(ev: EvaluationService, run_ids: list[int], seed: int, resamples: int,
            ctx: JobContext | None = None) -> Comparison:
    """The runs side by side with a paired bootstrap for every pair (a job: progress per pair, and it
    stops between pairs once cancelled)."""
    if not run_ids:
        raise AirlockError("name at least one evaluation run to compare")
    runs = summaries(ev, list(dict.fromkeys(run_ids)))
    for r in runs:
        if r.status != "succeeded":
            raise AirlockError(f"evaluation run {r.id} {r.status}; only finished runs can be compared")
    keys = {(r.dataset_version_id, r.split) for r in runs}
    if len(keys) > 1:
        raise AirlockError("runs compared together must be on the same dataset version and split; got "
                           + ", ".join(f"run {r.id}: {r.dataset_version}/{r.split}" for r in runs))
    pairs = []
    every = list(combinations(runs, 2))
    for done, (a, b) in enumerate(every):
        if ctx is not None:
            ctx.step(done / len(every), f"comparing {a.model_label} with {b.model_label}")
        diff = difference(ev, a.id, b.id, seed, resamples)
        if diff is not None:  # runs stored without predictions have nothing to resample
            pairs.append(PairDiff(a.id, b.id, a.model_label, b.model_label, diff))
    cost = CostModel.from_settings(ev.store.setting)
    with ev.store.reader() as s:
        promoted = s.scalar(select(ModelArtifact.id).where(ModelArtifact.promoted.is_(True)))
    from engine.datasets.leakage import describe, model_leaks

    compared = [r.artifact_id for r in runs if r.artifact_id is not None]
    leaked = [leak for leak in model_leaks(ev.store, runs[0].dataset_version_id, compared)
              if leak.split == runs[0].split]
    return Comparison(runs, pairs, cost.currency, CloudAlternative.from_settings(ev.store.setting),
                      cost.monthly_requests, promoted, describe(leaked))
