"""The evaluation report: one self-contained HTML file (lineage, metrics, plots, reviewer notes).

The PDF is made from this HTML by the desktop (Qt), never here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.clock import now
from engine.evaluation.calibrate import stored
from engine.evaluation.compare import Comparison, RunSummary
from engine.evaluation.plots import bars_svg, confusion_svg, reliability_svg
from engine.paths import RESOURCES
from engine.store.models import (
    BaseModel,
    DatasetItem,
    DatasetVersion,
    EvaluationRun,
    ModelArtifact,
    Prediction,
    Task,
    TrainingRun,
)

if TYPE_CHECKING:
    from engine.evaluation.service import EvaluationService

TEMPLATE_DIR = RESOURCES / "report"
TEMPLATE = "evaluation.html.j2"
HEADLINE_KEYS = ("accuracy", "macro_f1", "micro_f1", "json_valid_rate", "schema_valid_rate", "record_exact_match",
                 "field_precision", "field_recall", "field_f1", "rouge_l", "exact_match", "latency_p50_ms",
                 "latency_p95_ms", "tokens_per_second")


def _lineage(ev: EvaluationService, run: RunSummary) -> dict[str, Any]:
    with ev.store.reader() as s:
        er = s.get_one(EvaluationRun, run.id)
        base = s.get(BaseModel, er.base_model_id) if er.base_model_id else None
        art = s.get(ModelArtifact, er.artifact_id) if er.artifact_id else None
        train = s.get(TrainingRun, art.run_id) if art and art.run_id else None
        train_version = s.get(DatasetVersion, train.dataset_version_id) if train else None
    return {"run": run.id, "model": run.model_label, "model_sha256": run.model_sha256,
            "artifact": f"{art.name} (id {art.id}{', promoted' if art.promoted else ''})" if art else "—",
            "training_run": train.id if train else None,
            "trained_on": f"{train_version.name} ({train_version.content_hash[:16]})" if train_version else "—",
            "base_model": f"{base.name} ({base.sha256[:16]})" if base else "—",
            "prompt": f"{run.prompt_mode}" + (f", {run.shots} shots, seed {run.seed}" if run.shots else "")}


def _reviews(ev: EvaluationService, run_ids: list[int]) -> list[dict[str, Any]]:
    stmt = (select(Prediction, DatasetItem.example_id, EvaluationRun.model_label)
            .join(DatasetItem, DatasetItem.id == Prediction.dataset_item_id)
            .join(EvaluationRun, EvaluationRun.id == Prediction.evaluation_run_id)
            .where(Prediction.evaluation_run_id.in_(run_ids), Prediction.review.is_not(None))
            .order_by(Prediction.evaluation_run_id, Prediction.dataset_item_id))
    with ev.store.reader() as s:
        return [{"model": label, "example": example_id, "reference": p.reference, "output": p.output,
                 "verdict": p.review, "note": p.review_note or "", "by": p.reviewed_by or ""}
                for p, example_id, label in s.execute(stmt)]


def _plots(ev: EvaluationService, run: RunSummary) -> list[dict[str, str]]:
    """Each plot with its title drawn inside its image, so a page break can never part them."""
    m = run.metrics
    plots = []
    if isinstance(m.get("confusion"), dict) and m["confusion"]:
        labels = list(m["confusion"])
        title = f"{run.model_label}: confusion matrix"
        plots.append({"title": title, "svg": confusion_svg(labels, m["confusion"], title=title)})
    for key, what in (("per_class", "per-class precision / recall / F1"), ("per_field", "per-field P / R / F1")):
        if isinstance(m.get(key), dict) and m[key]:
            title = f"{run.model_label}: {what}"
            plots.append({"title": title, "svg": bars_svg(m[key], title=title)})
    with ev.store.reader() as s:
        scored = [(float(c or 0.0), bool(ok)) for c, ok in s.execute(
            select(Prediction.confidence, Prediction.correct)
            .where(Prediction.evaluation_run_id == run.id, Prediction.confidence.is_not(None)))]
    if scored:
        cal = stored(ev, run.artifact_id)
        title = f"{run.model_label}: reliability of the confidence"
        conf, oks = [c for c, _ in scored], [ok for _, ok in scored]
        plots.append({"title": title, "svg": reliability_svg(
            conf, oks, [cal.apply(c) for c in conf] if cal else None, title=title)})
    return plots


def _calibration(ev: EvaluationService, runs: list[RunSummary]) -> list[dict[str, Any]]:
    rows = []
    for r in runs:
        m = r.metrics
        if "confidence_ece" not in m:
            continue
        cal = stored(ev, r.artifact_id)
        f = cal.fitted_on if cal else {}
        fitted = "not calibrated" if cal is None else (
            f"{f['n']} {f.get('split', 'eval')} answers, ECE {f['ece_before']:.3f} -> {f['ece_after']:.3f}"
            if isinstance(f.get("ece_before"), float) and isinstance(f.get("ece_after"), float) else "—")
        rows.append({"model": r.model_label, "method": cal.method if cal else None, "fitted_on": fitted,
                     "ece": m.get("confidence_ece"), "calibrated_ece": m.get("calibrated_ece"),
                     "auroc": m.get("confidence_auroc"), "calibrated_auroc": m.get("calibrated_auroc")})
    return rows


def _cascade(ev: EvaluationService, runs: list[RunSummary]) -> dict[str, Any] | None:
    """How the console's cascade routed the compared models' answers (None when it never ran)."""
    from engine.console.cascade import fallback_path

    shas = {r.model_sha256 for r in runs}
    logged = ev.store.audit.entries(action="console.classify") + ev.store.audit.entries(action="console.extract")
    routed = [e.details for e in logged if "answered_by" in e.details and e.details.get("artifact") in shas]
    if not routed:
        return None
    n = len(routed)
    escalated = sum(1 for d in routed if d.get("escalated"))
    return {"fallback": str(fallback_path(ev.store) or "—"), "answers": n, "escalated": escalated / n,
            "flagged": sum(1 for d in routed if d.get("flagged")) / n,
            "changed": sum(1 for d in routed if d.get("escalated") and d.get("model_output") != d.get("output")),
            "fallbacks": sorted({str(d.get("fallback")) for d in routed if d.get("fallback")})}


def report_context(ev: EvaluationService, comparison: Comparison) -> dict[str, Any]:
    first = comparison.runs[0]
    with ev.store.reader() as s:
        version = s.get_one(DatasetVersion, first.dataset_version_id)
        task = s.get_one(Task, version.task_id)
    run_ids = [r.id for r in comparison.runs]
    gates = []
    for r in comparison.runs:
        if r.artifact_id is not None:
            g = ev.gate(r.artifact_id)
            gates.append({"model": r.model_label, "passed": g.passed, "reasons": g.reasons, "checks": g.checks,
                          "rule": g.rule})
    return {"workspace": ev.store.name, "generated_at": now().strftime("%Y-%m-%d %H:%M UTC"),
            "generated_by": ev.store.identity.os_user, "task": {"name": task.name, "kind": task.kind},
            "version": {"name": version.name, "hash": version.content_hash, "split": first.split,
                        "n_items": first.metrics.get("n")},
            "lineage": [_lineage(ev, r) for r in comparison.runs], "table": comparison.table(),
            "currency": comparison.currency, "monthly_requests": comparison.monthly_requests,
            "metric_keys": [k for k in HEADLINE_KEYS if any(k in r.metrics for r in comparison.runs)],
            "runs": comparison.runs, "pairs": comparison.pairs,
            "plots": [p for r in comparison.runs for p in _plots(ev, r)], "gates": gates,
            "calibration": _calibration(ev, comparison.runs), "cascade": _cascade(ev, comparison.runs),
            "leakage": comparison.leakage,
            "reviews": _reviews(ev, run_ids)}


def render_report(ev: EvaluationService, comparison: Comparison) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=select_autoescape(["html", "j2"]))
    env.filters["svg"] = Markup  # plots are generated here, every label in them escaped
    return str(env.get_template(TEMPLATE).render(**report_context(ev, comparison)))


def write_report(ev: EvaluationService, comparison: Comparison, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(ev, comparison), encoding="utf-8")
    with ev.store.unit() as s:
        ev.store.audit.record(s, "evaluation.report_exported", f"file:{out.name}",
                        {"runs": [r.id for r in comparison.runs], "path": str(out)})
    return out
