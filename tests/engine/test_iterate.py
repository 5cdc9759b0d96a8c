"""The next iteration in one flow, end to end on the trained demo (training kept to a few steps):
a console correction becomes an example, the new version keeps every earlier split, training
reuses the last run's settings, the candidate and the promoted model are evaluated on the same
splits, the gate decides, every step is audited; cancelling stops it and says so."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from engine.jobs import Cancelled, CancelToken, JobContext
from tests.signed import SIGN_ARGS, SIGNED

pytestmark = pytest.mark.slow


def test_iterate_end_to_end_on_the_demo(trained_demo_copy: Path) -> None:
    from engine.cli import main
    from engine.console import classify_text
    from engine.console.models import unload_all
    from engine.console.review import resolve
    from engine.iteration import IterationPlan, iterate
    from engine.workspace import Workspace

    with Workspace.open(trained_demo_copy) as ws:
        art = next(a for a in ws.models.artifacts() if a.kind == "gguf" and a.run_id is not None)
        assert art.run_id is not None
        first_run = ws.training.get(art.run_id)
        old_version = first_run.dataset_version_id
        task_id = ws.datasets.get(old_version).task_id
        ws.evaluation.promote(art.id, signature=SIGNED)  # nothing promoted yet: green
        answer = classify_text(ws, art.id, "Line 9: the packer motor trips its breaker at every start, "
                                           "burnt smell at the terminal box", task_id=task_id)
        example_id = resolve(ws, answer.call_id, "electrical")
        unload_all()
        before = {r.example_id: r.split for r in ws.datasets.rows(old_version)}

        messages: list[str] = []
        result = iterate(ws, task_id, IterationPlan(max_steps=2, signature=SIGNED),
                         JobContext(progress=lambda f, m: messages.append(m)))
        assert result.version_id is not None and result.version_id != old_version
        after = {r.example_id: r.split for r in ws.datasets.rows(result.version_id)}
        assert example_id in after
        assert all(after[ex] == split for ex, split in before.items() if ex in after)  # stable splits
        assert result.run_id is not None
        run = ws.training.get(result.run_id)
        assert run.config == {**first_run.config, "max_steps": 2}  # the last run's settings
        assert run.dataset_version_id == result.version_id
        assert set(result.evaluations["test"]) == {"candidate", "promoted"}
        runs = {ws.evaluation.get(i).artifact_id: ws.evaluation.get(i) for i in result.evaluations["test"].values()}
        assert set(runs) == {art.id, result.artifact_id}
        assert {(r.dataset_version_id, r.split) for r in runs.values()} == {(result.version_id, "test")}
        assert ws.evaluation.calibration(result.artifact_id) is not None
        assert result.gate_passed == result.promoted
        assert ws.evaluation.promoted() == (result.artifact_id if result.promoted else art.id)
        for step in ("Freezing", "Training on", "Exporting", "Calibrating", "Evaluating the candidate",
                     "Evaluating the promoted", "Applying the regression gate"):
            assert any(m.startswith(step) for m in messages), step
        actions = [e.action for e in ws.audit.entries()]
        for action in ("iteration.started", "dataset.frozen", "model.exported", "model.calibrated",
                       "evaluation.started", "iteration.finished"):
            assert action in actions, action
        assert ws.audit.verify().ok

        out = io.StringIO()  # the CLI: nothing changed since, so it stops with one clear line
        err = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["iterate", "--task", str(task_id), "--max-steps", "2", "--quiet",
                         "--workspace", str(trained_demo_copy), *SIGN_ARGS])
        assert code == 2 and "nothing changed" in err.getvalue()
        assert ws.audit.entries(action="iteration.stopped")


def test_cancelling_an_iteration_stops_training_and_is_recorded(trained_demo_copy: Path) -> None:
    from engine.console import classify_text
    from engine.console.models import unload_all
    from engine.console.review import resolve
    from engine.iteration import IterationPlan, iterate
    from engine.workspace import Workspace

    with Workspace.open(trained_demo_copy) as ws:
        art = next(a for a in ws.models.artifacts() if a.kind == "gguf" and a.run_id is not None)
        assert art.run_id is not None
        task_id = ws.datasets.get(ws.training.get(art.run_id).dataset_version_id).task_id
        answer = classify_text(ws, art.id, "Line 4: the press hydraulic hose bursts under load", task_id=task_id)
        resolve(ws, answer.call_id, "hydraulic")
        unload_all()
        token = CancelToken()

        def progress(_fraction: float, message: str) -> None:
            if message.startswith("Training step"):
                token.cancel()

        with pytest.raises(Cancelled):
            iterate(ws, task_id, IterationPlan(max_steps=40, signature=SIGNED),
                    JobContext(progress=progress, cancelled=token))
        stopped = ws.audit.entries(action="iteration.stopped")[0]
        assert stopped.details["why"] == "cancelled" and stopped.details["run_id"] is None
        assert max(ws.training.runs(), key=lambda r: r.id).status == "cancelled"
        assert ws.evaluation.promoted() is None
