"""Calibrated confidence: each method lowers the expected calibration error on held-out answers;
a real fine-tuned model is calibrated on its eval split, stored with the artifact, and the
console and evaluation then report expected accuracies."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from engine.errors import AirlockError
from engine.evaluation.calibration import METHODS, Calibration, ece, fit


def _answers(n: int, seed: int, low: float = 0.2, power: float = 0.3) -> tuple[list[float], list[bool]]:
    """At confidence p the answer is right with probability p ** power: power < 1 is an
    under-confident model (as the demo's), power > 1 an over-confident one."""
    rng = random.Random(seed)
    conf = [rng.uniform(low, 0.98) for _ in range(n)]
    return conf, [rng.random() < c ** power for c in conf]


def test_ece_by_hand() -> None:
    # bin 0.9: confidences 0.9, 0.9 with one right -> |1.8 - 1| / 4; bin 0.3: 0.3, 0.3 both wrong -> 0.6 / 4
    assert ece([0.9, 0.9, 0.3, 0.3], [True, False, False, False]) == pytest.approx(0.2 + 0.15)
    assert ece([], []) is None


@pytest.mark.parametrize(("method", "low", "power"), [("platt", 0.2, 0.3), ("isotonic", 0.2, 0.3),
                                                     ("platt", 0.5, 4.0), ("isotonic", 0.5, 4.0),
                                                     ("temperature", 0.5, 4.0)])
def test_every_method_lowers_ece_on_held_out_answers(method: str, low: float, power: float) -> None:
    fit_conf, fit_ok = _answers(400, 1, low, power)
    test_conf, test_ok = _answers(400, 2, low, power)
    cal = fit(method, fit_conf, fit_ok)
    before = ece(test_conf, test_ok)
    after = ece([cal.apply(c) for c in test_conf], test_ok)
    assert before is not None and after is not None
    assert before > 0.15 and after < before / 2, (method, before, after)
    # monotone: the ranking of answers (and so AUROC) is kept
    grid = [i / 20 for i in range(1, 20)]
    assert all(a <= b + 1e-12 for a, b in zip(map(cal.apply, grid), map(cal.apply, grid[1:]), strict=False))
    assert Calibration.from_dict(cal.as_dict()).apply(0.5) == pytest.approx(cal.apply(0.5))


def test_temperature_cannot_lift_answers_at_or_below_one_half() -> None:
    """Why temperature scaling is not the default: scaling the logit keeps 0.5 at 0.5, and the demo's
    under-confident answers (right ones average 0.47-0.74) need lifting there."""
    conf, ok = _answers(400, 1)
    cal = fit("temperature", conf, ok)
    assert cal.apply(0.5) == pytest.approx(0.5)
    assert METHODS == ("temperature", "platt", "isotonic")


def test_bad_input_is_refused() -> None:
    with pytest.raises(AirlockError, match="unknown calibration method"):
        fit("magic", [0.5, 0.6], [True, False])
    with pytest.raises(AirlockError, match="needs answers"):
        fit("platt", [0.5], [True])


@pytest.mark.slow
def test_a_fine_tuned_model_is_calibrated_on_eval_and_its_test_ece_drops(trained_demo_copy: Path) -> None:
    from engine.workspace import Workspace

    with Workspace.open(trained_demo_copy) as ws:
        art = next(a for a in ws.models.artifacts() if a.kind == "gguf" and a.run_id is not None)
        assert art.run_id is not None
        version_id = ws.training.get(art.run_id).dataset_version_id
        # the demo evaluated this artifact on test, which calibrated it on eval first
        auto = ws.evaluation.calibration(art.id)
        assert auto is not None and auto.fitted_on["split"] == "eval"
        assert auto.fitted_on["dataset_version_id"] == version_id
        fits_before = len(ws.audit.entries(action="model.calibrated"))
        assert fits_before >= 1
        cal = ws.evaluation.calibrate(art.id, version_id, "platt")
        assert ws.evaluation.calibration(art.id) == cal and cal.fitted_on["split"] == "eval"
        assert cal.fitted_on["ece_after"] < cal.fitted_on["ece_before"]
        assert len(ws.audit.entries(action="model.calibrated")) == fits_before + 1
        entry = ws.audit.entries(action="model.calibrated")[0]
        assert entry.subject == f"artifact:{art.id}" and entry.details["method"] == "platt"
        test = ws.evaluation.run(ws.evaluation.model(art.id, version_id), version_id, "test")
        m = test.metrics
        assert m["calibration_method"] == "platt"
        assert m["calibrated_ece"] < m["confidence_ece"], m  # held out from the fit: the test split
