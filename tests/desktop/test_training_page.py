"""The Training page: set up a run with every setting, see the estimate and the readiness report,
start a real run on the demo model (CPU), watch it, cancel it, resume it to the end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.training.backends import choose_backend
from tests.engine.test_training_run import ready  # noqa: F401  (the workspace with a frozen version)

TRAINING = 4  # position of Training in the navigation


def save(window: Any, qtbot: Any, artifacts_dir: Path, name: str) -> None:
    qtbot.wait(50)
    screens = artifacts_dir / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(screens / f"{name}.png"))


def wait_for_estimate(qtbot: Any, page: Any, fits: bool) -> None:
    def arrived() -> None:
        assert page.estimate is not None and page.estimate.fits == fits, page.estimate_label.text()

    qtbot.waitUntil(arrived, timeout=30_000)


def open_page(window: Any, ws: Any) -> Any:
    window.set_workspace(ws)
    window.nav.setCurrentRow(TRAINING)
    page = window.current_page()
    assert page.key == "training" and page.banner.isHidden(), page.banner.text()
    return page


def test_setup_form_applies_the_preset_checks_fields_and_estimates(
        window: Any, qtbot: Any, ready: Any, artifacts_dir: Path, shown_errors: list[Any],  # noqa: F811
        confirmations: Any) -> None:
    ws, version_id, base_id = ready
    page = open_page(window, ws)
    form = page.form
    assert form.selected_version() == version_id and form.selected_base().id == base_id
    assert form.preset.currentData() == "tiny"  # 134.5M parameters
    assert (form.inputs["batch_size"].value(), form.inputs["max_length"].value()) == (8, 512)
    wait_for_estimate(qtbot, page, fits=True)  # runs as a job
    assert page.estimate.fits and "≈" in page.estimate_label.text()
    assert page.estimate.lora_parameters == 4_884_480
    qtbot.waitUntil(lambda: page.readiness.verdict.text() != "", timeout=30_000)
    assert page.readiness.isVisible()

    form.advanced_toggle.click()
    assert form.advanced.isVisible()
    form.inputs["batch_size"].setValue(512)
    form.inputs["max_length"].setValue(8192)
    wait_for_estimate(qtbot, page, fits=False)
    assert "⚠ this run needs about" in page.estimate_label.text()
    save(window, qtbot, artifacts_dir, "training-setup-warning")
    form.target_modules.setText("q_proj, all layers")
    assert "target modules are module names such as q_proj, not 'all layers'" in form.problems_label.text()
    page.start_button.click()
    assert shown_errors and shown_errors[-1][0] == "The settings are not valid"
    assert ws.training.runs() == []
    form.target_modules.setText("q_proj, v_proj")
    assert form.problems_label.text() == ""
    form.inputs["batch_size"].setValue(8)  # back to the preset: the warning goes away
    form.inputs["max_length"].setValue(512)
    wait_for_estimate(qtbot, page, fits=True)
    assert "⚠" not in page.estimate_label.text()
    save(window, qtbot, artifacts_dir, "training-setup")

    # 24 examples: the readiness report refuses, so Start asks first; "Cancel" starts nothing
    assert not ws.datasets.readiness(version_id).ready
    qtbot.waitUntil(lambda: "is not ready" in page.readiness.verdict.text(), timeout=30_000)
    confirmations.answer = False
    page.start_button.click()
    assert confirmations and confirmations[-1][0] == "This version is not ready to train on"
    assert "small:" in confirmations[-1][1] and "examples" in confirmations[-1][1]
    qtbot.wait(200)
    assert ws.training.runs() == [] and page.start_job is None


@pytest.mark.slow
def test_a_real_run_started_from_the_page_is_watched_cancelled_and_resumed(
        window: Any, qtbot: Any, ready: Any, artifacts_dir: Path, shown_errors: list[Any],  # noqa: F811
        confirmations: Any) -> None:
    ws, _version_id, _base_id = ready
    page = open_page(window, ws)
    save(window, qtbot, artifacts_dir, "training-idle")
    form = page.form
    for name, value in (("max_steps", 6), ("batch_size", 1), ("max_length", 96), ("checkpoint_every", 1),
                        ("learning_rate", 1e-3)):
        form.inputs[name].setValue(value)
    qtbot.waitUntil(lambda: "is not ready" in page.readiness.verdict.text(), timeout=30_000)
    page.start_button.click()  # 24 examples: asked first (answered "Train anyway" here)
    assert confirmations and confirmations[-1][0] == "This version is not ready to train on"
    qtbot.waitUntil(lambda: bool(ws.training.runs()) and page.shown_run == ws.training.runs()[0].id,
                    timeout=60_000)
    created = ws.audit.entries(action="training.created")[0].details
    assert any("24 examples" in why for why in created["readiness_overridden"])  # the override is audited
    run_id = page.shown_run
    qtbot.waitUntil(lambda: page.view.stats["step"].text().startswith("2 / 6"), timeout=300_000)
    assert page.cancel_button.isEnabled() and not page.resume_button.isEnabled()
    assert "GiB RAM" in page.view.stats["memory"].text()
    backend, reason = choose_backend(ws.training.get(run_id).config["method"])  # what the hardware probe finds
    assert f"worker started: backend {backend}" in page.view.log.toPlainText()
    qtbot.waitUntil(lambda: f"status running · {reason[:20]}" in page.run_note.text()
                    and page.table.selected_row().status == "running", timeout=10_000)
    save(window, qtbot, artifacts_dir, "training-running")

    page.cancel_button.click()
    qtbot.waitUntil(lambda: ws.training.get(run_id).status == "cancelled" and not page.view.following,
                    timeout=300_000)
    qtbot.waitUntil(lambda: page.resume_button.isEnabled(), timeout=10_000)
    assert page.table.selected_row().status == "cancelled"
    assert "cancelled; checkpoint kept" in page.view.log.toPlainText()

    page.resume_button.click()
    qtbot.waitUntil(lambda: ws.training.get(run_id).status == "succeeded" and not page.view.following,
                    timeout=400_000)
    qtbot.waitUntil(lambda: page.table.selected_row().status == "succeeded", timeout=10_000)
    series = {s.name: s for s in page.chart.series()}
    assert [x for x, _ in series["loss"].points] == [1, 2, 3, 4, 5, 6]
    assert page.view.stats["step"].text() == "6 / 6" and page.view.stats["eta"].text() == "done"
    assert not shown_errors
    save(window, qtbot, artifacts_dir, "training-finished")

    page.details_button.click()  # what went into the run, for the compliance officer
    record = ws.training.provenance(run_id)
    text = page.details_dialog.text.toPlainText()
    for fact in (record["dataset_hash"], record["base_model_sha256"], record["adapter_sha256"],
                 f"Why this backend      {reason[:20]}", f"  trl: {record['versions']['trl']}",
                 "  unsloth: not installed", "  checkpoint-6/", "  max_steps: 6"):
        assert fact in text, fact
    assert page.details_dialog.grab().save(str(artifacts_dir / "screens" / "training-details.png"))
    page.details_dialog.close()
