"""Fit a model artifact's confidence calibration on the eval split and keep it with the artifact.

``calibrate`` is a job: it evaluates the artifact on the version's eval split (a stored, visible
evaluation run), fits the chosen method on (raw confidence, right or wrong), and stores the
calibration on the artifact with the ECE before and after, in one audited transaction. The
console, batch jobs and evaluation then report the calibrated confidence, so a review threshold
of 0.9 means "flag answers below 90 % expected accuracy".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.errors import AirlockError, NotReady
from engine.evaluation.calibration import METHODS, Calibration, ece, fit
from engine.evaluation.metrics import auroc
from engine.jobs import JobContext
from engine.store.models import DatasetVersion, ModelArtifact, Prediction

if TYPE_CHECKING:
    from engine.evaluation.service import EvaluationService

METHOD_SETTING = "evaluation.calibration_method"
DEFAULT_METHOD = "platt"  # chosen on the demo's half-trained models (BENCHMARKS.md, calibration)


def stored(ev: EvaluationService, artifact_id: int | None) -> Calibration | None:
    """The artifact's calibration, or None when it has none (or is not an artifact)."""
    if artifact_id is None:
        return None
    with ev.store.reader() as s:
        raw = s.scalar(select(ModelArtifact.calibration).where(ModelArtifact.id == artifact_id))
    return Calibration.from_dict(raw) if raw else None


def calibrated_confidence(ev: EvaluationService, artifact_id: int | None, raw: float) -> float:
    cal = stored(ev, artifact_id)
    return cal.apply(raw) if cal is not None else raw


def method_setting(ev: EvaluationService) -> str:
    method = (ev.store.setting(METHOD_SETTING, DEFAULT_METHOD) or DEFAULT_METHOD).strip()
    if method not in METHODS:
        raise AirlockError(f"setting {METHOD_SETTING} must be one of {', '.join(METHODS)}, not {method!r}")
    return method


def confidence_metrics(confidences: Sequence[float | None], correct: Sequence[bool],
                       calibration: Calibration | None) -> dict[str, Any]:
    """ECE and AUROC of the raw confidence, and of the calibrated one when there is a calibration."""
    pairs = [(float(c), ok) for c, ok in zip(confidences, correct, strict=True) if c is not None]
    if not pairs:
        return {}
    raw = [c for c, _ in pairs]
    oks = [ok for _, ok in pairs]
    out: dict[str, Any] = {"confidence_ece": ece(raw, oks), "confidence_auroc": auroc(raw, oks),
                           "confidence_mean": sum(raw) / len(raw)}
    if calibration is not None:
        cal = [calibration.apply(c) for c in raw]
        out |= {"calibrated_ece": ece(cal, oks), "calibrated_auroc": auroc(cal, oks),
                "calibrated_mean": sum(cal) / len(cal), "calibration_method": calibration.method}
    return out


def calibrate(ev: EvaluationService, artifact_id: int, version_id: int, method: str | None = None,
              ctx: JobContext | None = None) -> Calibration:
    """Evaluate on the eval split, fit, store with the artifact (audited). A job."""
    ev.membership.require("expert", "calibration")
    ctx = ctx or JobContext()
    method = method or method_setting(ev)
    if method not in METHODS:
        raise AirlockError(f"unknown calibration method {method!r}; choose one of {', '.join(METHODS)}")
    if not ev.datasets.rows(version_id, "eval"):
        raise NotReady(f"dataset version {ev.datasets.get(version_id).name} has no eval examples to calibrate on")
    run = ev.run(ev.model(artifact_id, version_id), version_id, "eval",
                            ctx=ctx.sub(0.0, 0.95))
    with ev.store.reader() as s:
        rows = s.execute(select(Prediction.confidence, Prediction.correct)
                         .where(Prediction.evaluation_run_id == run.id)).all()
        version_hash = s.get_one(DatasetVersion, version_id).content_hash
    pairs = [(float(c), bool(ok)) for c, ok in rows if c is not None]
    raw, oks = [c for c, _ in pairs], [ok for _, ok in pairs]
    fitted = fit(method, raw, oks)
    after = ece([fitted.apply(c) for c in raw], oks)
    cal = Calibration(fitted.method, fitted.params, {
        "dataset_version_id": version_id, "dataset_hash": version_hash, "split": "eval",
        "evaluation_run_id": run.id, "n": len(pairs), "accuracy": sum(oks) / len(oks) if oks else None,
        "ece_before": ece(raw, oks), "ece_after": after})
    with ev.store.unit() as s:
        art = s.get_one(ModelArtifact, artifact_id)
        art.calibration = cal.as_dict()
        ev.store.audit.record(s, "model.calibrated", f"artifact:{artifact_id}",
                        {"name": art.name, "method": cal.method, "params": cal.params, **cal.fitted_on})
    ctx.report(1.0, f"calibrated ({cal.method}): ECE {cal.fitted_on['ece_before']:.3f} -> {after:.3f} on eval")
    return cal
