"""The next-iteration wizard: what it starts from, the steps, and (slow) a real run on the trained
demo with two training steps, followed to the gate's verdict. Screenshots for a look."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop.jobs import JobRunner
from desktop.training.iterate_wizard import STEPS, IterateWizard
from tests.engine.test_train_compare import stored_runs
from tests.signed import SIGNED


def test_the_wizard_says_what_it_starts_from(qtbot: Any, styled_app: Any, workspace: Any,
                                             artifacts_dir: Path) -> None:
    runner = JobRunner()
    empty = IterateWizard(workspace, runner)
    qtbot.addWidget(empty)
    assert not empty.start_button.isEnabled() and "No task yet" in empty.summary.text()
    _a, b = stored_runs(workspace)["runs"]
    wizard = IterateWizard(workspace, runner)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    text = wizard.summary.text()
    assert f"settings of run #{b}" in text and "learning_rate 0.0003" in text and "max_steps 6" in text
    assert "the last version, v1" in text and "no model promoted yet" in text
    assert wizard.start_button.isEnabled() and wizard.steps.count() == len(STEPS)
    assert all(wizard.steps.item(i).text().startswith("○") for i in range(len(STEPS)))
    wizard._progress(0.65, "Exporting run 3 to GGUF Q8_0")  # as the job reports it
    assert [wizard.steps.item(i).text()[0] for i in range(4)] == ["✓", "✓", "▶", "○"]
    wizard._mark(-1, "pending")
    assert wizard.grab().save(str(artifacts_dir / "iterate-wizard.png"))
    runner.shutdown()


def test_start_asks_for_a_signature_and_cancelling_it_starts_nothing(qtbot: Any, styled_app: Any, workspace: Any,
                                                                     signatures: list[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop import sign_dialog

    stored_runs(workspace)
    runner = JobRunner()
    wizard = IterateWizard(workspace, runner)
    qtbot.addWidget(wizard)
    with monkeypatch.context() as m:
        m.setattr(sign_dialog, "ask_signature", lambda parent, what, signer: None)  # the signer cancels
        wizard.start_button.click()
    assert wizard.job is None and workspace.audit.entries(action="iteration.") == []
    wizard.start_button.click()  # signed (the suite's sign dialog answers): the iteration runs
    assert signatures and signatures[-1].startswith("this iteration")
    qtbot.waitUntil(lambda: wizard.job is None, timeout=60_000)
    assert workspace.audit.entries(action="iteration.started")
    assert "signature" not in wizard.verdict.text()  # it stopped for its own reason, not for want of one
    runner.shutdown()


@pytest.mark.slow
def test_the_wizard_runs_an_iteration_on_the_demo(qtbot: Any, styled_app: Any, trained_demo_copy: Path,
                                                  artifacts_dir: Path) -> None:
    from engine.console import classify_text
    from engine.console.models import unload_all
    from engine.console.review import resolve
    from engine.workspace import Workspace

    runner = JobRunner()
    with Workspace.open(trained_demo_copy) as ws:
        art = next(a for a in ws.models.artifacts() if a.kind == "gguf" and a.run_id is not None)
        assert art.run_id is not None
        task_id = ws.datasets.get(ws.training.get(art.run_id).dataset_version_id).task_id
        ws.evaluation.promote(art.id, signature=SIGNED)
        answer = classify_text(ws, art.id, "Line 2: the filler pump leaks oil at the shaft seal", task_id=task_id)
        resolve(ws, answer.call_id, "hydraulic")
        unload_all()
        wizard = IterateWizard(ws, runner, task_id)
        qtbot.addWidget(wizard)
        wizard.show()
        wizard.max_steps.setValue(2)
        wizard.start_button.click()
        assert wizard.cancel_button.isEnabled() and not wizard.start_button.isEnabled()
        qtbot.waitUntil(lambda: wizard.job is None, timeout=900_000)
        result = wizard.result
        assert result is not None and result.version_id is not None
        assert ("Gate green" if result.promoted else "Gate red") in wizard.verdict.text()
        assert wizard.steps.item(0).text().startswith("✓") and wizard.bar.value() == 1000
        assert wizard.grab().save(str(artifacts_dir / "iterate-wizard-done.png"))
    runner.shutdown()
