"""The regression gate and promotion to the console.

A candidate is compared with the promoted model on the dataset version it was tested on,
item by item (paired bootstrap, ``engine.evaluation.bootstrap``). It is red when

- on the test split, the interval of the difference (candidate minus promoted) lies wholly
  below zero: worse beyond the noise. Inside the noise is not worse;
- on the golden split, even the interval's most favourable end loses more than the allowed
  share (setting ``evaluation.gate.max_golden_drop``, default 0.05 = 5 % relative) of the
  promoted model's quality;
- either model was trained on test or golden examples it is judged on (the comparison would
  flatter it).

Settings: ``evaluation.gate.confidence`` (the interval's level, default 0.95) and
``evaluation.gate.decide_on`` (``interval``, the default, or ``point`` for the bare point
estimates). Both models must have been evaluated on the same splits of that version. A red
candidate is promoted only with an override reason, which the audit log records together with
who gave it. Exactly one artifact is promoted at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from engine.errors import AirlockError
from engine.evaluation.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED, Difference
from engine.evaluation.compare import difference
from engine.signatures import Signature, require_signature, signing
from engine.store.models import DatasetItem, EvaluationRun, ModelArtifact

if TYPE_CHECKING:
    from engine.evaluation.service import EvaluationService

GATE_SETTING = "evaluation.gate.max_golden_drop"
LEVEL_SETTING = "evaluation.gate.confidence"
RULE_SETTING = "evaluation.gate.decide_on"
DEFAULT_MAX_GOLDEN_DROP = 0.05
DEFAULT_LEVEL = 0.95
RULES = ("interval", "point")
GATE_SETTINGS = {
    GATE_SETTING: (str(DEFAULT_MAX_GOLDEN_DROP), "largest allowed relative loss on golden (0.05 = 5 %)"),
    LEVEL_SETTING: (str(DEFAULT_LEVEL), "confidence level of the gate's bootstrap interval (0.95 = 95 %)"),
    RULE_SETTING: ("interval", "the gate decides on the bootstrap 'interval' or on the bare 'point' estimate"),
}


@dataclass(frozen=True)
class GateResult:
    candidate_id: int
    promoted_id: int | None
    passed: bool
    reasons: list[str]  # why it is red (empty when it passed)
    checks: list[str] = field(default_factory=list)  # what was compared, in words
    test_difference: Difference | None = None  # candidate minus promoted, on the test split
    golden_difference: Difference | None = None
    rule: str = "interval"


class GateRefused(AirlockError):
    def __init__(self, gate: GateResult) -> None:
        super().__init__("the regression gate refuses this candidate: " + "; ".join(gate.reasons)
                         + " (promote with an override reason to go ahead anyway)")
        self.gate = gate


def _number(ev: EvaluationService, key: str, default: float, low: float, high: float) -> float:
    raw = ev.store.setting(key, str(default)) or str(default)
    try:
        value = float(raw)
    except ValueError:
        raise AirlockError(f"setting {key} must be a number, not {raw!r}") from None
    if not low <= value <= high:
        raise AirlockError(f"setting {key} must be between {low} and {high}, not {raw!r}")
    return value


def max_golden_drop(ev: EvaluationService) -> float:
    return _number(ev, GATE_SETTING, DEFAULT_MAX_GOLDEN_DROP, 0.0, 1.0)


def interval_level(ev: EvaluationService) -> float:
    return _number(ev, LEVEL_SETTING, DEFAULT_LEVEL, 0.5, 0.999)


def decision_rule(ev: EvaluationService) -> str:
    rule = (ev.store.setting(RULE_SETTING, "interval") or "interval").strip()
    if rule not in RULES:
        raise AirlockError(f"setting {RULE_SETTING} must be one of {', '.join(RULES)}, not {rule!r}")
    return rule


def _latest(ev: EvaluationService, artifact_id: int, split: str, version_id: int | None = None) -> EvaluationRun | None:
    stmt = (select(EvaluationRun).where(EvaluationRun.artifact_id == artifact_id, EvaluationRun.split == split,
                                        EvaluationRun.status == "succeeded")
            .order_by(EvaluationRun.id.desc()))
    if version_id is not None:
        stmt = stmt.where(EvaluationRun.dataset_version_id == version_id)
    with ev.store.reader() as s:
        return s.scalars(stmt).first()


def _quality(run: EvaluationRun) -> float:

    m = run.metrics or {}
    return float(m.get("quality", m.get("accuracy", 0.0)))


def promoted_artifact(ev: EvaluationService) -> int | None:
    with ev.store.reader() as s:
        return s.scalar(select(ModelArtifact.id).where(ModelArtifact.promoted.is_(True)).order_by(ModelArtifact.id))


def gate(ev: EvaluationService, candidate_id: int) -> GateResult:
    from engine.datasets.leakage import describe, model_leaks

    cand = ev.models.artifact(candidate_id)
    rule, level = decision_rule(ev), interval_level(ev)
    test_run = _latest(ev, candidate_id, "test")
    if test_run is None:
        return GateResult(candidate_id, promoted_artifact(ev), False,
                          [f"{cand.name} has not been evaluated on the test split"], rule=rule)
    version_id = test_run.dataset_version_id
    promoted = promoted_artifact(ev)
    if promoted is None or promoted == candidate_id:
        why = "no model is promoted yet" if promoted is None else f"{cand.name} is already the promoted model"
        return GateResult(candidate_id, promoted, True, [], [f"{why}: nothing to regress against"], rule=rule)
    prom = ev.models.artifact(promoted)
    reasons: list[str] = []
    checks: list[str] = []
    test_diff = golden_diff = None
    prom_test = _latest(ev, promoted, "test", version_id)
    if prom_test is None:
        reasons.append(f"the promoted model {prom.name} has no test run on the same dataset version; evaluate it")
    else:
        test_diff = difference(ev, prom_test.id, test_run.id, DEFAULT_SEED, DEFAULT_RESAMPLES, level)
        line = (f"test: {cand.name} {_quality(test_run):.3f} vs promoted {prom.name} {_quality(prom_test):.3f}"
                + (f", difference {test_diff.describe()}" if test_diff else ""))
        checks.append(line)
        if test_diff is not None and rule == "interval":
            worse = test_diff.high < 0
        else:
            worse = _quality(test_run) < _quality(prom_test)
        if worse:
            reasons.append("worse on the test split" + (" beyond the noise" if rule == "interval" else "")
                           + " (" + line + ")")
    with ev.store.reader() as s:
        has_golden = s.scalar(select(DatasetItem.id).where(DatasetItem.version_id == version_id,
                                                           DatasetItem.split == "golden").limit(1)) is not None
    if has_golden:
        limit = max_golden_drop(ev)
        cand_golden = _latest(ev, candidate_id, "golden", version_id)
        prom_golden = _latest(ev, promoted, "golden", version_id)
        if cand_golden is None:
            reasons.append(f"{cand.name} has not been evaluated on the golden split")
        elif prom_golden is None:
            reasons.append(f"the promoted model {prom.name} has no golden run on the same dataset version")
        else:
            before, after = _quality(prom_golden), _quality(cand_golden)
            golden_diff = difference(ev, prom_golden.id, cand_golden.id, DEFAULT_SEED, DEFAULT_RESAMPLES, level)
            drop = (before - after) / before if before > 0 else 0.0
            least = max(0.0, -golden_diff.high / before if before > 0 else 0.0) if golden_diff else drop
            judged = least if rule == "interval" else drop
            line = (f"golden: {after:.3f} vs promoted {before:.3f} ({-drop:+.1%}"
                    + (f"; interval {golden_diff.low:+.3f} to {golden_diff.high:+.3f}, least loss {least:.1%}"
                       if golden_diff and rule == "interval" else "") + f"; limit -{limit:.0%})")
            checks.append(line)
            if judged > limit:
                what = "at least" if rule == "interval" else ""
                reasons.append(f"loses {what + ' ' if what else ''}{judged:.1%} on the golden split, more than "
                               f"the allowed {limit:.0%} ({line})")
    else:
        checks.append("golden: the dataset version has no golden examples")
    leaked = [leak for leak in model_leaks(ev.store, version_id, [candidate_id, promoted]) if leak.split != "ood"]
    for sentence in describe(leaked):
        reasons.append(sentence)
    if not leaked:
        checks.append("leakage: neither model was trained on the test or golden examples it is judged on")
    return GateResult(candidate_id, promoted, not reasons, reasons, checks, test_diff, golden_diff, rule)


def promote(ev: EvaluationService, candidate_id: int, override_reason: str | None = None,
            signature: Signature | None = None) -> GateResult:
    ev.membership.require("expert", "promotion")
    signature = require_signature("promoting a model" + (" over the gate" if override_reason else ""), signature)
    result = gate(ev, candidate_id)
    reason = (override_reason or "").strip()
    if not result.passed and not reason:
        raise GateRefused(result)
    art = ev.models.artifact(candidate_id)
    with signing(signature), ev.store.unit() as s:
        s.execute(update(ModelArtifact).where(ModelArtifact.id != candidate_id).values(promoted=False))
        s.execute(update(ModelArtifact).where(ModelArtifact.id == candidate_id).values(promoted=True))
        action = "model.promoted" if result.passed else "model.promoted_with_override"
        ev.store.audit.record(s, action, f"artifact:{candidate_id}",
                        {"name": art.name, "sha256": art.sha256, "previous": result.promoted_id,
                         "gate_passed": result.passed, "gate_reasons": result.reasons, "gate_rule": result.rule,
                         "gate_checks": result.checks, "override_reason": reason or None,
                         "by": ev.store.identity.os_user, "role": ev.store.identity.role})
    return result
