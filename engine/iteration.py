"""The next iteration, in one flow: the task's corrections and new examples become a new dataset
version (stable splits), a model is trained with the last run's settings, exported, calibrated,
evaluated against the promoted model on the same test and golden splits, gated, and promoted
when the gate is green.

A job (progress, cancel): every step reports what it does, cancelling stops at the next safe
point (a training run stops at its next step and keeps its checkpoint), and every step is
audited by the service doing it, framed by ``iteration.started`` and ``iteration.finished`` /
``iteration.stopped`` events. A red gate stops before promotion (``airlock promote --override``
remains the person's decision). The plan carries the person's signature: it signs the new
version's freeze and, when the gate is green, the promotion; without one nothing starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select

from engine.errors import AirlockError, NotReady
from engine.jobs import Cancelled, JobContext
from engine.signatures import Signature, require_signature
from engine.store.models import DatasetItem, DatasetVersion, ModelArtifact, TrainingRun
from engine.workspace import Workspace

STEPS = ("freeze", "train", "export", "calibrate", "evaluate", "gate", "promote")


@dataclass
class IterationResult:
    task_id: int
    version_id: int | None = None
    run_id: int | None = None
    artifact_id: int | None = None
    previous_artifact_id: int | None = None
    evaluations: dict[str, dict[str, int]] = field(default_factory=dict)  # split -> {candidate, promoted}
    gate_passed: bool | None = None
    gate_reasons: list[str] = field(default_factory=list)
    gate_checks: list[str] = field(default_factory=list)
    promoted: bool = False
    log: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class IterationPlan:
    version_name: str | None = None
    max_steps: int | None = None  # override the last run's step limit (tests and quick tries)
    quantization: str | None = None  # default: the promoted artifact's, else Q8_0
    calibrate: bool = True
    signature: Signature | None = None  # signs the new version's freeze and the promotion (required)


def last_run(ws: Workspace, task_id: int) -> TrainingRun:
    """The run behind the promoted model when it is of this task, else the task's latest finished run."""
    with ws.reader() as s:
        promoted = s.execute(select(TrainingRun).join(ModelArtifact, ModelArtifact.run_id == TrainingRun.id)
                             .join(DatasetVersion, DatasetVersion.id == TrainingRun.dataset_version_id)
                             .where(ModelArtifact.promoted.is_(True), DatasetVersion.task_id == task_id)).scalar()
        run = promoted or s.scalars(select(TrainingRun)
                                    .join(DatasetVersion, DatasetVersion.id == TrainingRun.dataset_version_id)
                                    .where(DatasetVersion.task_id == task_id, TrainingRun.status == "succeeded")
                                    .order_by(TrainingRun.id.desc())).first()
        if run is None:
            raise NotReady(f"task {task_id} has no finished training run whose settings the next one could reuse")
        s.expunge(run)
        return run


@dataclass(frozen=True)
class IterationPreview:
    """What the next iteration would start from, in words the wizard shows before it starts."""

    task_id: int
    task_name: str
    last_version: str | None
    last_version_items: int
    labelled_examples: int  # examples of the task with a final answer now (corrections included)
    settings_run_id: int | None
    settings: dict[str, Any]
    promoted: str | None
    problem: str | None  # why it cannot start (None when it can)


def preview(ws: Workspace, task_id: int) -> IterationPreview:
    from engine.tasks.agreement import final_label
    from engine.tasks.review import labels_by_example

    task = ws.tasks.get(task_id)
    versions = ws.datasets.versions(task_id)
    last = versions[-1] if versions else None
    with ws.reader() as s:
        labelled = sum(1 for labels in labels_by_example(s, task_id).values() if final_label(labels)[0] is not None)
    promoted_id = ws.evaluation.promoted()
    promoted = ws.models.artifact(promoted_id).name if promoted_id is not None else None
    try:
        run = last_run(ws, task_id)
    except NotReady as exc:
        return IterationPreview(task_id, task.name, last.name if last else None,
                                int(last.stats.get("total", 0)) if last else 0, labelled, None, {}, promoted, str(exc))
    return IterationPreview(task_id, task.name, last.name if last else None,
                            int(last.stats.get("total", 0)) if last else 0, labelled, run.id, dict(run.config),
                            promoted, None)


def _has(ws: Workspace, version_id: int, split: str) -> bool:
    with ws.reader() as s:
        return s.scalar(select(DatasetItem.id).where(DatasetItem.version_id == version_id,
                                                     DatasetItem.split == split).limit(1)) is not None


def iterate(ws: Workspace, task_id: int, plan: IterationPlan | None = None,
            ctx: JobContext | None = None) -> IterationResult:
    from engine.models.export import export_run
    from engine.training.config import TrainingConfig

    plan = plan or IterationPlan()
    ctx = ctx or JobContext()
    ws.membership.require("expert", "the next iteration")
    signature = require_signature("the next iteration (it freezes a version and may promote a model)",
                                  plan.signature)
    task = ws.tasks.get(task_id)
    result = IterationResult(task_id, previous_artifact_id=ws.evaluation.promoted())
    previous = last_run(ws, task_id)

    def note(fraction: float, text: str) -> None:
        result.log.append(text)
        ctx.step(fraction, text)

    with ws.unit() as s:
        ws.audit.record(s, "iteration.started", f"task:{task_id}",
                        {"task": task.name, "settings_from_run": previous.id,
                         "promoted": result.previous_artifact_id, "max_steps": plan.max_steps})
    try:
        versions = ws.datasets.versions(task_id)
        name = plan.version_name or f"v{len(versions) + 1}"
        note(0.0, f"Freezing {name} from the task's examples and corrections (earlier splits kept)")
        from engine.datasets.freeze import SplitPlan

        last_plan = versions[-1].stats.get("plan", {}) if versions else {}
        split_plan = SplitPlan(**{k: v for k, v in last_plan.items() if k in SplitPlan.__dataclass_fields__})
        version = ws.datasets.freeze(task_id, name, replace(split_plan, keep_splits=True), ctx.sub(0.0, 0.1),
                                     signature)
        result.version_id = version.id
        refusals = ws.datasets.readiness(version.id).refusals
        if refusals:
            raise NotReady(f"dataset version {version.name} is not ready to train on: {refusals[0]}")

        config = TrainingConfig.from_dict(dict(previous.config))
        if plan.max_steps is not None:
            config = replace(config, max_steps=plan.max_steps)
        note(0.1, f"Training on {version.name} with run {previous.id}'s settings")
        run = ws.training.train(version.id, previous.base_model_id, config, ctx.sub(0.1, 0.6))
        result.run_id = run.id
        if run.status != "succeeded":
            raise AirlockError(f"training run {run.id} {run.status}: {run.error or 'no reason recorded'}")

        level = plan.quantization or _promoted_quantization(ws) or "Q8_0"
        note(0.6, f"Exporting run {run.id} to GGUF {level}")
        (artifact,) = export_run(ws, run.id, (level,), ctx=ctx.sub(0.6, 0.7))
        result.artifact_id = artifact.id
        if plan.calibrate and _has(ws, version.id, "eval"):
            note(0.7, f"Calibrating {artifact.name}'s confidence on the eval split")
            ws.evaluation.calibrate(artifact.id, version.id, ctx=ctx.sub(0.7, 0.75))

        splits = [sp for sp in ("test", "golden") if _has(ws, version.id, sp)]
        models = [("candidate", artifact.id)] + ([("promoted", result.previous_artifact_id)]
                                                 if result.previous_artifact_id else [])
        for i, split in enumerate(splits):
            for j, (role, art_id) in enumerate(models):
                span = 0.2 / max(1, len(splits) * len(models))
                at = 0.75 + span * (i * len(models) + j)
                note(at, f"Evaluating the {role} model on {version.name}/{split}")
                ev = ws.evaluation.run(ws.evaluation.model(art_id, version.id), version.id, split,
                                       ctx=ctx.sub(at, at + span))
                result.evaluations.setdefault(split, {})[role] = ev.id

        note(0.95, "Applying the regression gate")
        gate = ws.evaluation.gate(artifact.id)
        result.gate_passed, result.gate_reasons, result.gate_checks = gate.passed, gate.reasons, gate.checks
        if gate.passed:
            note(0.98, f"Promoting {artifact.name}")
            ws.evaluation.promote(artifact.id, signature=signature)
            result.promoted = True
        else:
            result.log.append("Gate red: not promoted (" + "; ".join(gate.reasons) + ")")
    except (Cancelled, KeyboardInterrupt):
        _stopped(ws, result, "cancelled")
        raise
    except Exception as exc:
        _stopped(ws, result, str(exc))
        raise
    with ws.unit() as s:
        ws.audit.record(s, "iteration.finished", f"task:{task_id}",
                        {k: v for k, v in result.as_dict().items() if k != "log"})
    ctx.report(1.0, "Promoted" if result.promoted else "Finished; the gate kept the promoted model")
    return result


def _stopped(ws: Workspace, result: IterationResult, why: str) -> None:
    with ws.unit() as s:
        ws.audit.record(s, "iteration.stopped", f"task:{result.task_id}",
                        {"why": why, "version_id": result.version_id, "run_id": result.run_id,
                         "artifact_id": result.artifact_id, "steps_done": result.log})


def _promoted_quantization(ws: Workspace) -> str | None:
    with ws.reader() as s:
        return s.scalar(select(ModelArtifact.quantization).where(ModelArtifact.promoted.is_(True)))
