"""The confidence separates right from wrong answers on the demo task's held-out test split:
classification label share, and extraction's re-scored field confidence under a JSON-schema
grammar. Reports the AUROC in the assertion messages.

The fine-tuned demo model answers (nearly) every test item right, so its AUROC is usually
undefined. The wrong answers come from a real model part-way through the same training: the demo's
own settings stopped after 24 steps (about 2 minutes on the CPU), exported to Q8_0. It gets a
quarter to a half of the items wrong, and its confidence must rank its right answers above them.
(The untuned base model, zero-shot, answers at chance, where no confidence can separate anything:
see BENCHMARKS.md.)"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from engine.workspace import Workspace
from tests.conftest import TrainedDemo

pytestmark = pytest.mark.slow
PARTIAL_STEPS = 24


def test_confidence_auroc_on_the_demo_test_split(trained_demo: TrainedDemo, trained_demo_copy: Path) -> None:
    from engine.console.models import unload_all
    from engine.console.quality import confidence_quality
    from engine.models.export import export_run
    from engine.training.config import TrainingConfig

    with Workspace.open(trained_demo_copy) as ws:
        art = ws.models.artifacts(run_id=trained_demo.result["run_id"])[0]
        run = ws.training.get(art.run_id or 0)
        config = replace(TrainingConfig.from_dict(run.config), max_steps=PARTIAL_STEPS, checkpoint_every=0)
        short = ws.training.train(run.dataset_version_id, run.base_model_id, config)
        assert short.status == "succeeded", short.error
        partial = export_run(ws, short.id, ("Q8_0",))[0]
        try:
            tuned = {q.mode: q for q in confidence_quality(ws, art.id, run.dataset_version_id, "test")}
            halfway = {q.mode: q for q in confidence_quality(ws, partial.id, run.dataset_version_id, "test")}
        finally:
            unload_all()
    assert set(tuned) == set(halfway) == {"classify", "extract"}
    for q in tuned.values():
        assert q.n == 32 and q.accuracy >= 0.7, q
        if q.auroc is not None:  # defined only when the tuned model got something wrong
            assert q.auroc >= 0.7 and (q.mean_right or 0.0) > (q.mean_wrong or 1.0), q
    for q in halfway.values():
        assert q.n == 32 and q.wrong >= 4, q  # enough mistakes for the AUROC to mean something
        assert q.auroc is not None and q.auroc >= 0.75, f"{q.mode}: {q}"
        assert (q.mean_right or 0.0) - (q.mean_wrong or 1.0) >= 0.1, q
