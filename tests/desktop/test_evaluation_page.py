"""The Evaluation page on real stored runs: comparison with intervals, heatmap click to a
confusion cell, review verdicts (and undo), promotion through the gate with the override
dialog, report export; screenshots of each tab are saved to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop.qt import QPointF, Qt
from engine.jobs import CancelToken, JobContext
from engine.store.models import Example
from tests.engine.test_evaluation_gate import seed_version, store_run
from tests.signed import SIGNED


def _save(window: Any, qtbot: Any, artifacts_dir: Path, name: str) -> Path:
    qtbot.wait(50)
    screens = artifacts_dir / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    path = screens / f"{name}.png"
    assert window.grab().save(str(path))
    return path


def _filled(ws: Any) -> dict[str, int]:
    seeded = seed_version(ws, {"test": 30, "golden": 10})
    first, second = seeded.artifacts
    runs = {"base": store_run(ws, seeded, None, "test", set(range(0, 30, 2)) | {1, 3}, label="base (4-shot)"),
            "first": store_run(ws, seeded, first, "test", {0, 1, 4}, label="candidate-0 Q8_0"),
            "second": store_run(ws, seeded, second, "test", {0, 1, 4, 6, 8, 10, 12, 14, 16, 18, 20},
                                label="candidate-1 Q8_0")}
    store_run(ws, seeded, first, "golden", set())
    store_run(ws, seeded, second, "golden", set())
    ws.set_setting("cloud.name", "Hosted API")
    ws.set_setting("cloud.cost_per_1k", "1.2")
    ws.evaluation.promote(first, signature=SIGNED)
    return runs | {"first_artifact": first, "second_artifact": second}


def _select(page: Any, run_id: int) -> None:
    page.table.selectRow([r.id for r in page.table.rows()].index(run_id))


def _read(review: Any, qtbot: Any) -> Any:
    """The review list is read by a job: wait until it is shown."""
    qtbot.waitUntil(lambda: not review.reader.busy, timeout=30_000)
    return review


def _wait_for_details(page: Any, qtbot: Any) -> None:
    """The comparison and the gate of the selected run are computed by a job."""
    qtbot.waitUntil(lambda: page.details_job is None, timeout=30_000)


def test_compare_plots_review_promote_and_export(window: Any, workspace: Any, qtbot: Any, artifacts_dir: Path,
                                                 shown_errors: list[tuple[str, str]], tmp_path: Path) -> None:
    runs = _filled(workspace)
    window.set_workspace(workspace)
    window.nav.setCurrentRow(list(window.pages).index("evaluation"))
    page = window.pages["evaluation"]
    assert page.table.row_count() == 5
    _select(page, runs["base"])
    _wait_for_details(page, qtbot)
    rows = {r.id: r for r in page.comparison.rows() if r.id is not None}
    assert len(rows) == 3 and page.comparison.row_count() == 4  # three runs and the cloud row
    assert rows[runs["base"]].is_selected
    assert rows[runs["first"]].approach == "candidate-0 Q8_0 (zero-shot, promoted)"
    versus = rows[runs["first"]].versus
    assert versus is not None and versus.delta > 0 and not versus.within_noise
    assert page.cards["runs"].value == "5" and page.cards["promoted"].value == "candidate-0"
    _save(window, qtbot, artifacts_dir, "evaluation-comparison")

    # the heatmap shows the base run's confusion matrix; clicking a cell lists its examples
    page.tabs.setCurrentIndex(1)
    assert page.heatmap.matrix["electrical"]["mechanical"] == 15
    _save(window, qtbot, artifacts_dir, "evaluation-plots")
    center = page.heatmap.cell_rect(0, 1).center()
    qtbot.mouseClick(page.heatmap, Qt.MouseButton.LeftButton, pos=QPointF(center).toPoint())
    review = _read(page.review, qtbot)
    assert page.tabs.currentWidget() is review
    assert review.examples.row_count() == 15
    assert {(r.reference, r.output) for r in review.examples.rows()} == {("electrical", "mechanical")}

    # errors of the base run against candidate-0: disagreements only
    review.filter.setCurrentIndex(2)
    _read(review, qtbot)
    assert review.other_run.currentData() is not None
    disagreements = review.examples.rows()
    assert disagreements and all(r.output != r.other_output for r in disagreements)
    review.filter.setCurrentIndex(1)
    _read(review, qtbot)
    first_error = review.examples.selected_row()
    assert first_error is not None and first_error.correct is False
    review.panel.reference_wrong.click()  # no note: refused with a message
    assert shown_errors and "note" in shown_errors[-1][1]
    review.panel.note.setText("the report describes a hydraulic leak")
    review.panel.reference_wrong.click()
    _read(review, qtbot)
    with workspace.reader() as s:
        example = s.get_one(Example, first_error.example_id)
        assert example.flagged and "hydraulic leak" in (example.note or "")
    assert review.examples.selected_row().review == "reference wrong"
    _save(window, qtbot, artifacts_dir, "evaluation-review")
    qtbot.keyClick(review.examples, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo
    _read(review, qtbot)
    with workspace.reader() as s:
        assert not s.get_one(Example, first_error.example_id).flagged
    assert review.examples.selected_row().review is None

    # candidate-1 is worse on test than the promoted candidate-0: the gate is red, override asks why
    page.tabs.setCurrentIndex(0)
    _select(page, runs["second"])
    _wait_for_details(page, qtbot)
    assert page.cards["gate"].value == "red"
    assert page.cards["gate"].caption.text().startswith("worse on the test split beyond the noise")
    assert "95% CI, worse" in page.cards["gate"].toolTip() and "decided on the interval" in page.cards["gate"].toolTip()
    page.promote_button.click()
    dialog = page.override_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.ok.isEnabled()
    _save(dialog, qtbot, artifacts_dir, "evaluation-override")
    dialog.reason.setPlainText("line 3 needs the new labels now; errors reviewed")
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    qtbot.waitUntil(lambda: not page.promoter.busy, timeout=30_000)  # the promotion (gate again) is a job
    assert workspace.evaluation.promoted() == runs["second_artifact"]
    entry = workspace.audit.entries(action="model.promoted_with_override")[0]
    assert entry.details["override_reason"] == "line 3 needs the new labels now; errors reviewed"
    assert page.cards["promoted"].value == "candidate-1"

    # the cost figures behind the comparison are the user's own
    page.costs_button.click()
    costs = page.costs_dialog
    assert costs is not None and costs.fields["cloud.name"].text() == "Hosted API"
    costs.fields["cost.power_watts"].setText("many")
    costs.accept()
    assert "must be a number" in shown_errors[-1][1]
    page.ask_costs()
    page.costs_dialog.fields["cloud.cost_per_1k"].setText("2.4")
    page.costs_dialog.accept()
    _wait_for_details(page, qtbot)
    cloud = next(r for r in page.comparison.rows() if r.id is None)
    assert cloud.cost_per_month == 240.0  # 2.4 per 1,000 x 100,000 requests a month
    _save(page.costs_dialog, qtbot, artifacts_dir, "evaluation-costs")

    job = page.export_report(tmp_path / "report.html")
    qtbot.waitUntil(lambda: job.done, timeout=60_000)
    html, pdf = job.result
    assert "candidate-1 Q8_0" in html.read_text() and pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_verdicts_undo_and_redo_through_the_engine(window: Any, workspace: Any, qtbot: Any,
                                                   artifacts_dir: Path) -> None:
    runs = _filled(workspace)
    window.set_workspace(workspace)
    window.nav.setCurrentRow(list(window.pages).index("evaluation"))
    page = window.pages["evaluation"]
    _select(page, runs["base"])
    page.tabs.setCurrentWidget(page.review)
    review = _read(page.review, qtbot)
    ctrl = Qt.KeyboardModifier.ControlModifier
    first, second = review.examples.rows()[:2]

    def verdict(prediction_id: int) -> str | None:
        return next(r.review for r in workspace.evaluation.predictions(runs["base"]) if r.id == prediction_id)

    def reviewed(prediction_id: int) -> list[str | None]:
        return [e.details["verdict"] for e in workspace.audit.entries(
            action="evaluation.reviewed", subject=f"prediction:{prediction_id}", newest_first=False)]

    assert not review.undo_button.isEnabled() and not review.redo_button.isEnabled()
    review.panel.model_wrong.click()
    _read(review, qtbot)
    assert verdict(first.id) == "model wrong"
    assert review.undo_button.toolTip() == f"Undo verdict on #{first.example_id} (Ctrl+Z)"
    review.examples.selectRow(1)
    qtbot.keyClick(review.examples, Qt.Key.Key_Z, ctrl)
    _read(review, qtbot)
    assert verdict(first.id) is None
    assert review.examples.selected_row().id == first.id  # the page went back to it
    assert review.redo_button.isEnabled()
    _save(window, qtbot, artifacts_dir, "evaluation-undo-redo")
    qtbot.keyClick(review.examples, Qt.Key.Key_Z, ctrl | Qt.KeyboardModifier.ShiftModifier)
    _read(review, qtbot)
    assert verdict(first.id) == "model wrong" and review.examples.selected_row().review == "model wrong"
    assert reviewed(first.id) == ["model wrong", None, "model wrong"]

    review.undo_button.click()
    _read(review, qtbot)
    review.examples.reveal(lambda r: r.id == second.id)
    review.examples.selectRow([r.id for r in review.examples.rows()].index(second.id))
    review.panel.model_wrong.click()  # a new verdict: the undone one cannot be redone any more
    _read(review, qtbot)
    assert verdict(second.id) == "model wrong"
    assert not review.redo_button.isEnabled()
    review.redo()
    _read(review, qtbot)
    assert verdict(first.id) is None and reviewed(first.id) == ["model wrong", None, "model wrong", None]

    window.set_workspace(None)  # another workspace: nothing of this one to undo
    assert not review.undo_button.isEnabled() and review.undo_stack.count() == 0


def test_evaluate_dialog_runs_a_job_with_progress_and_cancel(window: Any, workspace: Any, qtbot: Any,
                                                             artifacts_dir: Path, monkeypatch: Any) -> None:
    """Real llama.cpp on the demo model, four test items."""
    workspace.models.ensure_demo_model()  # the first base model: what "Base model (prompted)" evaluates
    seeded = seed_version(workspace, {"test": 4, "train": 4})
    window.set_workspace(workspace)
    window.nav.setCurrentRow(list(window.pages).index("evaluation"))
    page = window.pages["evaluation"]
    page.evaluate_button.click()
    dialog = page.evaluate_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.version.currentData() == seeded.version_id and dialog.model.currentData() == "base"
    dialog.shots.setValue(2)
    _save(dialog, qtbot, artifacts_dir, "evaluation-evaluate-dialog")
    dialog.accept()
    assert page.jobs.isVisible()
    qtbot.waitUntil(lambda: not page.jobs.busy, timeout=600_000)  # slow only on a loaded machine
    runs = workspace.evaluation.runs()
    assert [r.status for r in runs] == ["succeeded"] and runs[0].shots == 2
    assert page.table.row_count() == 1 and len(workspace.evaluation.predictions(runs[0].id)) == 4

    # Cancel at a known point, from the worker thread itself: the moment the run reports its first
    # examples (the run row exists by then). Cancelling from the test thread raced the worker.
    real_run = workspace.evaluation.run

    def run_cancelled_at_the_examples(model: Any, version_id: int, split: str, shots: int, seed: int,
                                      ctx: JobContext) -> Any:
        assert isinstance(ctx.cancelled, CancelToken)  # the job's own flag, thread-safe

        def progress(fraction: float, message: str) -> None:
            ctx.progress(fraction, message)
            if "examples" in message:
                ctx.cancelled.cancel()
        return real_run(model, version_id, split, shots, seed,
                        JobContext(progress=progress, cancelled=ctx.cancelled))

    monkeypatch.setattr(workspace.evaluation, "run", run_cancelled_at_the_examples)
    job = page.start_evaluation("base", seeded.version_id, "test")
    assert job is not None
    qtbot.waitUntil(lambda: job.done, timeout=120_000)
    assert sorted(r.status for r in workspace.evaluation.runs()) == ["cancelled", "succeeded"]
    assert "cancelled" in page.banner.text()


def test_extraction_output_shows_a_field_level_diff(qtbot: Any, styled_app: Any, artifacts_dir: Path) -> None:
    from desktop.evaluation.review_panel import ReviewPanel
    from engine.evaluation.review import PredictionRow

    panel = ReviewPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 520)
    row = PredictionRow(1, 1, 1, 7, "Press 4 leaks oil badly.", '{"machine": "Press 4", "severity": "high"}',
                        '{"machine": "Press 4", "severity": "low", "line": 2}', False, 1 / 3, 0.8, 120.0, None, None,
                        '{"machine": "Press 4", "severity": "high"}', True)
    panel.show_row(row, "extraction")
    panel.show()
    cells = [[panel.diff.item(i, j).text() for j in range(4)] for i in range(panel.diff.rowCount())]
    assert cells == [["machine", "Press 4", "Press 4", "✓"], ["severity", "high", "low", "✗"],
                     ["line", "—", "2", "✗"]]
    assert not panel.diff.isHidden() and panel.other.toPlainText().startswith('{"machine"')
    _save(panel, qtbot, artifacts_dir, "evaluation-extraction-diff")
    panel.show_row(row, "classification")
    assert panel.diff.isHidden()
