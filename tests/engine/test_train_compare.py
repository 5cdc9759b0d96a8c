"""Training runs side by side, from stored runs in a real workspace: settings that differ, loss
curves, final metrics, and the evaluations of the models each run produced; engine and CLI."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import pytest

from engine.clock import now
from engine.errors import AirlockError
from engine.store.models import ModelArtifact, TrainingMetric, TrainingRun
from engine.training.comparison import compare_runs
from engine.training.config import TrainingConfig
from engine.workspace import Workspace
from tests.engine.test_evaluation_gate import seed_version, store_run


def stored_runs(ws: Workspace) -> dict[str, Any]:
    """Two finished runs on one version: learning rates 1e-3 and 3e-4; run 1's model was evaluated."""
    seeded = seed_version(ws, {"test": 20})
    ids = []
    with ws.unit() as s:
        for k, (lr, steps) in enumerate(((1e-3, 6), (3e-4, 6))):
            config = TrainingConfig(learning_rate=lr, max_steps=steps, seed=3).to_dict()
            run = TrainingRun(dataset_version_id=seeded.version_id, base_model_id=seeded.base_id,
                              config=json.dumps(config), status="succeeded", run_dir=f"/runs/{k}",
                              final_metrics=json.dumps({"train_loss": 1.1 - 0.4 * (k == 0)}),
                              created_by="tester", created_at=now())
            s.add(run)
            s.flush()
            ids.append(run.id)
            for step in range(1, steps + 1):
                s.add(TrainingMetric(run_id=run.id, step=step, epoch=step / steps, loss=2.0 / (step * (2 - k)),
                                     eval_loss=(1.5 - 0.1 * step - 0.2 * (k == 0)) if step % 3 == 0 else None,
                                     learning_rate=lr, ts=now()))
        s.get_one(ModelArtifact, seeded.artifacts[0]).run_id = ids[0]
    evaluation = store_run(ws, seeded, seeded.artifacts[0], "test", {0, 1})
    return {"runs": ids, "evaluation": evaluation}


def test_compare_runs_lists_differences_curves_and_evaluations(workspace: Workspace) -> None:
    made = stored_runs(workspace)
    a, b = made["runs"]
    cmp = compare_runs(workspace, [a, b])
    assert cmp.differences == {"learning_rate": [1e-3, 3e-4]}
    assert cmp.shared["max_steps"] == 6 and cmp.shared["dataset version"] == "v1"
    assert [len(r.curve) for r in cmp.runs] == [6, 6]
    assert cmp.runs[0].last_loss == pytest.approx(2.0 / 12) and cmp.runs[1].last_loss == pytest.approx(2.0 / 6)
    assert cmp.runs[0].last_eval_loss == pytest.approx(0.7) and cmp.runs[1].last_eval_loss == pytest.approx(0.9)
    (ev,) = cmp.runs[0].evaluations
    assert ev.evaluation_run_id == made["evaluation"] and ev.quality == pytest.approx(0.9) and ev.split == "test"
    assert cmp.runs[1].evaluations == []
    with pytest.raises(AirlockError, match="at least two"):
        compare_runs(workspace, [a])
    with pytest.raises(AirlockError, match="no training run with id 99"):
        compare_runs(workspace, [a, 99])


def test_airlock_train_compare(workspace: Workspace) -> None:
    from engine.cli import main

    a, b = stored_runs(workspace)["runs"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["train", "compare", str(a), str(b), "--workspace", str(workspace.root)]) == 0
    text = out.getvalue()
    assert "settings that differ:" in text and "learning_rate" in text and "0.0003" in text
    assert f"run {a}: step 1: 1.0000" in text and "step 6: 0.1667" in text
    assert "train_loss" in text and "accuracy 0.900" in text and f"run {b}: none" in text
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["train", "compare", str(a), str(b), "--json", "--workspace", str(workspace.root)]) == 0
    data = json.loads(out.getvalue())
    assert data["differences"] == {"learning_rate": [0.001, 0.0003]} and len(data["runs"][1]["curve"]) == 6
