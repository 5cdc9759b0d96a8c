"""The regression gate and promotion to the console.

A candidate is red when, on the dataset version it was tested on, it is worse on the
test split than the promoted model, or loses more than the allowed share (setting
``evaluation.gate.max_golden_drop``, default 0.05 = 5 % relative) of the promoted
model's quality on the golden split. Both models must have been evaluated on the
same splits of that version. A red candidate is promoted only with an override
reason, which the audit log records together with who gave it. Exactly one artifact
is promoted at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update

from engine.errors import AirlockError
from engine.evaluation.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED
from engine.evaluation.compare import difference
from engine.store.models import DatasetItem, EvaluationRun, ModelArtifact
from engine.workspace import Workspace

GATE_SETTING = "evaluation.gate.max_golden_drop"
DEFAULT_MAX_GOLDEN_DROP = 0.05


@dataclass(frozen=True)
class GateResult:
    candidate_id: int
    promoted_id: int | None
    passed: bool
    reasons: list[str]  # why it is red (empty when it passed)
    checks: list[str] = field(default_factory=list)  # what was compared, in words


class GateRefused(AirlockError):
    def __init__(self, gate: GateResult) -> None:
        super().__init__("the regression gate refuses this candidate: " + "; ".join(gate.reasons)
                         + " (promote with an override reason to go ahead anyway)")
        self.gate = gate


def max_golden_drop(ws: Workspace) -> float:
    raw = ws.setting(GATE_SETTING, str(DEFAULT_MAX_GOLDEN_DROP)) or str(DEFAULT_MAX_GOLDEN_DROP)
    try:
        return float(raw)
    except ValueError:
        raise AirlockError(f"setting {GATE_SETTING} must be a number, not {raw!r}") from None


def _latest(ws: Workspace, artifact_id: int, split: str, version_id: int | None = None) -> EvaluationRun | None:
    stmt = (select(EvaluationRun).where(EvaluationRun.artifact_id == artifact_id, EvaluationRun.split == split,
                                        EvaluationRun.status == "succeeded")
            .order_by(EvaluationRun.id.desc()))
    if version_id is not None:
        stmt = stmt.where(EvaluationRun.dataset_version_id == version_id)
    with ws.reader() as s:
        return s.scalars(stmt).first()


def _quality(run: EvaluationRun) -> float:
    import json

    m = json.loads(run.metrics or "{}")
    return float(m.get("quality", m.get("accuracy", 0.0)))


def promoted_artifact(ws: Workspace) -> int | None:
    with ws.reader() as s:
        return s.scalar(select(ModelArtifact.id).where(ModelArtifact.promoted.is_(True)).order_by(ModelArtifact.id))


def gate(ws: Workspace, candidate_id: int) -> GateResult:
    cand = ws.models.artifact(candidate_id)
    test_run = _latest(ws, candidate_id, "test")
    if test_run is None:
        return GateResult(candidate_id, promoted_artifact(ws), False,
                          [f"{cand.name} has not been evaluated on the test split"])
    version_id = test_run.dataset_version_id
    promoted = promoted_artifact(ws)
    if promoted is None or promoted == candidate_id:
        why = "no model is promoted yet" if promoted is None else f"{cand.name} is already the promoted model"
        return GateResult(candidate_id, promoted, True, [], [f"{why}: nothing to regress against"])
    prom = ws.models.artifact(promoted)
    reasons: list[str] = []
    checks: list[str] = []
    prom_test = _latest(ws, promoted, "test", version_id)
    if prom_test is None:
        reasons.append(f"the promoted model {prom.name} has no test run on the same dataset version; evaluate it")
    else:
        diff = difference(ws, prom_test.id, test_run.id, DEFAULT_SEED, DEFAULT_RESAMPLES)
        line = (f"test: {cand.name} {_quality(test_run):.3f} vs promoted {prom.name} {_quality(prom_test):.3f}"
                + (f", difference {diff.describe()}" if diff else ""))
        checks.append(line)
        if _quality(test_run) < _quality(prom_test):
            reasons.append("worse on the test split (" + line + ")")
    with ws.reader() as s:
        has_golden = s.scalar(select(DatasetItem.id).where(DatasetItem.version_id == version_id,
                                                           DatasetItem.split == "golden").limit(1)) is not None
    if has_golden:
        limit = max_golden_drop(ws)
        cand_golden = _latest(ws, candidate_id, "golden", version_id)
        prom_golden = _latest(ws, promoted, "golden", version_id)
        if cand_golden is None:
            reasons.append(f"{cand.name} has not been evaluated on the golden split")
        elif prom_golden is None:
            reasons.append(f"the promoted model {prom.name} has no golden run on the same dataset version")
        else:
            before, after = _quality(prom_golden), _quality(cand_golden)
            drop = (before - after) / before if before > 0 else 0.0
            line = f"golden: {after:.3f} vs promoted {before:.3f} ({-drop:+.1%}, limit -{limit:.0%})"
            checks.append(line)
            if drop > limit:
                reasons.append(f"loses {drop:.1%} on the golden split, more than the allowed {limit:.0%} ({line})")
    else:
        checks.append("golden: the dataset version has no golden examples")
    return GateResult(candidate_id, promoted, not reasons, reasons, checks)


def promote(ws: Workspace, candidate_id: int, override_reason: str | None = None) -> GateResult:
    result = gate(ws, candidate_id)
    reason = (override_reason or "").strip()
    if not result.passed and not reason:
        raise GateRefused(result)
    art = ws.models.artifact(candidate_id)
    with ws.unit() as s:
        s.execute(update(ModelArtifact).where(ModelArtifact.id != candidate_id).values(promoted=False))
        s.execute(update(ModelArtifact).where(ModelArtifact.id == candidate_id).values(promoted=True))
        action = "model.promoted" if result.passed else "model.promoted_with_override"
        ws.audit.record(s, action, f"artifact:{candidate_id}",
                        {"name": art.name, "sha256": art.sha256, "previous": result.promoted_id,
                         "gate_passed": result.passed, "gate_reasons": result.reasons,
                         "gate_checks": result.checks, "override_reason": reason or None,
                         "by": ws.identity.os_user, "role": ws.identity.role})
    return result
    ws.membership.require("expert", "promotion")
