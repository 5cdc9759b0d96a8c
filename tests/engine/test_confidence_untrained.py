"""Calibration and the cascade on real llama.cpp models without training anything (fast enough for
a busy machine): the demo's base GGUF, registered as a model artifact, answers a fault-triage task
zero-shot; its confidence is calibrated on the eval split and measured on test; the cascade asks
the demo GGUF file itself (its own inference process) again when unsure."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.datasets.freeze import SplitPlan
from tests.engine.tasks_data import classification_task, fault_corpus, labelled
from tests.signed import SIGNED

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def untrained(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, int, int, Path]]:
    from engine.console.cascade import unload_fallback
    from engine.console.models import unload_all
    from engine.paths import demo_model_path
    from engine.workspace import Workspace

    root = tmp_path_factory.mktemp("untrained")
    ws = Workspace.create(root / "ws")
    task = classification_task(ws)
    rows = fault_corpus()
    labelled(ws, task.id, rows[0:30] + rows[100:130] + rows[200:230])
    version = ws.datasets.freeze(task.id, "v1", SplitPlan(seed=2, eval_fraction=0.4, test_fraction=0.4,
                                                          token_lengths=False), signature=SIGNED)
    base = ws.models.ensure_demo_model()
    model = demo_model_path()
    assert model is not None
    shutil.copyfile(model, root / "copy.gguf")
    art = ws.models.add_artifact("base-as-artifact", "gguf", root / "copy.gguf", "Q4_1", None, base.id, "test copy")
    yield ws, art.id, version.id, model
    unload_fallback()
    unload_all()
    ws.close()


def test_calibration_fitted_on_eval_lowers_ece_on_test(untrained: tuple[Any, int, int, Path]) -> None:
    ws, art_id, version_id, _model = untrained
    cal = ws.evaluation.calibrate(art_id, version_id, "platt")
    assert cal.fitted_on["n"] == len(ws.datasets.rows(version_id, "eval")) == 36
    assert cal.fitted_on["ece_after"] < cal.fitted_on["ece_before"]
    m = ws.evaluation.run(ws.evaluation.model(art_id, version_id), version_id, "test").metrics
    assert m["calibration_method"] == "platt" and m["calibrated_ece"] < m["confidence_ece"], m
    assert ws.audit.entries(action="model.calibrated")


def test_cascade_routing_with_real_models(untrained: tuple[Any, int, int, Path]) -> None:
    from engine.console import calls, classify_text
    from engine.console.cascade import cascade_classify, set_fallback

    ws, art_id, version_id, model = untrained
    task_id = ws.datasets.get(version_id).task_id
    text = ws.datasets.rows(version_id, "test")[0].input_text
    set_fallback(ws, None)
    alone = classify_text(ws, art_id, text, task_id=task_id, threshold=1.01)
    assert alone.flagged
    set_fallback(ws, model)
    sure = cascade_classify(ws, art_id, text, task_id, threshold=0.0)
    assert not sure.escalated and not sure.flagged and sure.answered_by == "model"
    unsure = classify_text(ws, art_id, text, task_id=task_id, threshold=1.01)  # the console routes it
    entry = ws.audit.entries(action="console.classify")[0]
    assert entry.details["escalated"] and entry.details["answered_by"] == "fallback" and unsure.flagged
    assert entry.details["model_output"] == sure.output and entry.details["fallback"] == model.name
    middle = cascade_classify(ws, art_id, text, task_id, threshold=sure.confidence + 1e-6)
    assert middle.escalated and middle.flagged == (middle.confidence < sure.confidence + 1e-6)
    queue = {c.id for c in calls(ws, flagged=True)}
    assert {alone.call_id, unsure.call_id} <= queue and sure.call_id not in queue
    set_fallback(ws, None)
