"""ws.evaluation: evaluation runs, comparison, the regression gate, promotion, review and reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.errors import AirlockError
from engine.evaluation import gate as gating
from engine.evaluation import review as reviewing
from engine.evaluation.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED
from engine.evaluation.calibrate import DEFAULT_METHOD, METHOD_SETTING, calibrate, stored
from engine.evaluation.calibration import METHODS, Calibration
from engine.evaluation.compare import Comparison, compare
from engine.evaluation.runs import ModelUnderTest, evaluate, model_under_test
from engine.jobs import JobContext
from engine.signatures import Signature
from engine.store.models import DatasetVersion, EvaluationRun

if TYPE_CHECKING:
    from engine.datasets.service import DatasetService
    from engine.members import MembershipService
    from engine.models.service import ModelService
    from engine.store.workspace_store import WorkspaceStore
    from engine.tasks.service import TaskService

__all__ = ["EvaluationInfo", "EvaluationService", "ModelUnderTest"]


@dataclass(frozen=True)
class EvaluationInfo:
    id: int
    model_label: str
    artifact_id: int | None
    dataset_version_id: int
    split: str
    prompt_mode: str
    shots: int
    seed: int
    status: str
    metrics: dict[str, Any]
    dataset_version_name: str = ""
    started_at: datetime | None = None

    def metric(self, key: str) -> float | None:
        """A number the evaluation wrote (``accuracy``, ``macro_f1``, ``latency_p95_ms`` ...), or None."""
        value = self.metrics.get(key)
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    @property
    def accuracy(self) -> float | None:
        return self.metric("accuracy")

    @property
    def macro_f1(self) -> float | None:
        return self.metric("macro_f1")

    @property
    def latency_p50_ms(self) -> float | None:
        return self.metric("latency_p50_ms")

    @property
    def latency_p95_ms(self) -> float | None:
        return self.metric("latency_p95_ms")

    @property
    def tokens_per_second(self) -> float | None:
        return self.metric("tokens_per_second")


def _info(r: EvaluationRun, version_name: str = "") -> EvaluationInfo:
    return EvaluationInfo(r.id, r.model_label, r.artifact_id, r.dataset_version_id, r.split, r.prompt_mode,
                          r.shots, r.seed, r.status, r.metrics or {}, version_name,
                          r.started_at)


class EvaluationService:
    def __init__(self, store: WorkspaceStore, membership: MembershipService, tasks: TaskService,
                 datasets: DatasetService, models: ModelService) -> None:
        self.store = store
        self.membership = membership
        self.tasks = tasks
        self.datasets = datasets  # the versions evaluated on
        self.models = models  # the models evaluated, promoted and calibrated

    # -- runs ----------------------------------------------------------------
    def model(self, which: str | int, version_id: int) -> ModelUnderTest:
        """``"base"`` or a model artifact id, as a model to evaluate on this dataset version."""
        return model_under_test(self, which, version_id)

    def run(self, model: ModelUnderTest, version_id: int, split: str = "test", shots: int = 0,
            seed: int = 0, ctx: JobContext | None = None, calibrate: bool = True) -> EvaluationInfo:
        """Evaluate; a model artifact evaluated on test without a calibration fitted on this version's
        eval split is calibrated first (``calibrate=False`` skips that)."""
        ctx = ctx or JobContext()
        if calibrate and split == "test" and model.artifact_id is not None and shots == 0:
            cal = stored(self, model.artifact_id)
            if (cal is None or cal.fitted_on.get("dataset_version_id") != version_id) \
                    and self.datasets.rows(version_id, "eval"):
                self.calibrate(model.artifact_id, version_id, ctx=ctx.sub(0.0, 0.3))
                ctx = ctx.sub(0.3, 1.0)
        return self.get(evaluate(self, model, version_id, split, shots, seed, ctx))

    def get(self, run_id: int) -> EvaluationInfo:
        found = self._select([EvaluationRun.id == run_id])
        if not found:
            raise AirlockError(f"no evaluation run with id {run_id}")
        return found[0]

    def runs(self, version_id: int | None = None, split: str | None = None,
             newest_first: bool = False) -> list[EvaluationInfo]:
        """Evaluation runs (on one version, of one split), oldest first, or newest first as listed."""
        where = []
        if version_id is not None:
            where.append(EvaluationRun.dataset_version_id == version_id)
        if split is not None:
            where.append(EvaluationRun.split == split)
        return self._select(where, newest_first)

    def _select(self, where: Any, newest_first: bool = False) -> list[EvaluationInfo]:
        order = (EvaluationRun.started_at.desc(), EvaluationRun.id.desc()) if newest_first else (EvaluationRun.id,)
        stmt = (select(EvaluationRun, DatasetVersion.name)
                .join(DatasetVersion, DatasetVersion.id == EvaluationRun.dataset_version_id)
                .where(*where).order_by(*order))
        with self.store.reader() as s:
            return [_info(r, name) for r, name in s.execute(stmt)]

    def calibrate(self, artifact_id: int, version_id: int, method: str | None = None,
                  ctx: JobContext | None = None) -> Calibration:
        """Fit the artifact's confidence calibration on the version's eval split and store it (a job)."""
        return calibrate(self, artifact_id, version_id, method, ctx)

    def calibration(self, artifact_id: int) -> Calibration | None:
        return stored(self, artifact_id)

    # -- comparison, gate, promotion ------------------------------------------
    def compare(self, run_ids: list[int], seed: int = DEFAULT_SEED,
                resamples: int = DEFAULT_RESAMPLES, ctx: JobContext | None = None) -> Comparison:
        return compare(self, run_ids, seed, resamples, ctx)

    def gate(self, candidate_artifact_id: int) -> gating.GateResult:
        return gating.gate(self, candidate_artifact_id)

    def promote(self, artifact_id: int, override_reason: str | None = None,
                signature: Signature | None = None) -> gating.GateResult:
        """Promote to the console; raises ``GateRefused`` for a red candidate without an override reason
        and ``SignatureRequired`` without a signature (given here or pending from ``signing``)."""
        return gating.promote(self, artifact_id, override_reason, signature)

    def promoted(self) -> int | None:
        return gating.promoted_artifact(self)

    def settings(self) -> list[tuple[str, str, str]]:
        """(key, current value, meaning) of every figure the comparison and the gate use."""
        from engine.evaluation.cost import SETTINGS

        known = {**SETTINGS, **gating.GATE_SETTINGS,
                 METHOD_SETTING: (DEFAULT_METHOD, "confidence calibration fitted on the eval split "
                                                  f"({', '.join(METHODS)})")}
        return [(k, self.store.setting(k, default) or "", meaning) for k, (default, meaning) in known.items()]

    def set_settings(self, values: dict[str, str]) -> None:
        """Change cost, cloud and gate settings; numbers are checked before anything is stored."""
        self.membership.require("expert", "evaluation settings")
        known = {k for k, _, _ in self.settings()}
        text_keys = {"cost.currency", "cloud.name", gating.RULE_SETTING, METHOD_SETTING}
        method = values.get(METHOD_SETTING)
        if method is not None and method.strip() not in METHODS:
            raise AirlockError(f"{METHOD_SETTING} must be one of {', '.join(METHODS)}, not {method!r}")
        rule = values.get(gating.RULE_SETTING)
        if rule is not None and rule.strip() not in gating.RULES:
            raise AirlockError(f"{gating.RULE_SETTING} must be one of {', '.join(gating.RULES)}, not {rule!r}")
        level = values.get(gating.LEVEL_SETTING)
        if level is not None and level.strip():
            try:
                if not 0.5 <= float(level) <= 0.999:
                    raise ValueError
            except ValueError:
                raise AirlockError(f"{gating.LEVEL_SETTING} must be a number from 0.5 to 0.999, "
                                   f"not {level!r}") from None
        for key, value in values.items():
            if key not in known:
                raise AirlockError(f"unknown evaluation setting {key!r}; known: {', '.join(sorted(known))}")
            if key not in text_keys and value.strip():
                try:
                    if float(value) < 0:
                        raise ValueError
                except ValueError:
                    raise AirlockError(f"{key} must be a number of zero or more, not {value!r}") from None
        for key, value in values.items():
            if self.store.setting(key) != value.strip():
                self.membership.change_setting(key, value.strip())

    # -- review ----------------------------------------------------------------
    def predictions(self, run_id: int, errors_only: bool = False, other_run_id: int | None = None,
                    disagreements_only: bool = False,
                    cell: tuple[str, str] | None = None) -> list[reviewing.PredictionRow]:
        return reviewing.predictions(self, run_id, errors_only, other_run_id, disagreements_only, cell)

    def review(self, prediction_id: int, verdict: str | None, note: str = "") -> None:
        reviewing.review(self, prediction_id, verdict, note)

    # -- report ------------------------------------------------------------------
    def report(self, run_ids: list[int], out: Path, ctx: JobContext | None = None) -> Path:
        """Write the HTML evaluation report for these runs (same version and split) to ``out``
        (a job: the comparison is most of the work)."""
        from engine.evaluation.report import write_report

        comparison = self.compare(run_ids, ctx=ctx.sub(0.0, 0.8) if ctx is not None else None)
        if ctx is not None:
            ctx.step(0.8, "writing the report")
        return write_report(self, comparison, out)
