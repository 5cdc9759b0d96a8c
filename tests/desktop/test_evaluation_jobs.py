"""The Evaluation page's long work runs as jobs, never on the GUI thread: the comparison of the
selected run (a paired bootstrap for every pair of runs) with its gate, and the report with its PDF.
A comparison that ends after another run was selected is not shown."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from desktop.evaluation.page import COMPARING
from tests.desktop.off_gui_thread import Recorder, shot
from tests.desktop.test_evaluation_page import _filled, _select


def _open(window: Any, qtbot: Any, workspace: Any) -> Any:
    window.set_workspace(workspace)
    window.nav.setCurrentRow(list(window.pages).index("evaluation"))
    page = window.pages["evaluation"]
    qtbot.waitUntil(lambda: page.details_job is None, timeout=30_000)  # the first run's comparison
    return page


@pytest.fixture
def bootstrap(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    from engine.evaluation import compare

    recorder = Recorder(compare.paired_bootstrap)
    monkeypatch.setattr(compare, "paired_bootstrap", recorder)  # the comparison and the gate both use it
    return recorder


def test_the_comparison_runs_off_the_gui_thread_and_shows_when_done(window: Any, workspace: Any, qtbot: Any,
                                                                    bootstrap: Recorder) -> None:
    runs = _filled(workspace)
    page = _open(window, qtbot, workspace)
    bootstrap.hold()
    _select(page, runs["second"])
    assert bootstrap.waiting.wait(10)
    assert page.comparison.row_count() == 0 and page.comparison.empty_text == COMPARING
    assert page.cards["gate"].value == "…" and page.cards["best"].value == "…"
    assert page.detail_title.text() == "candidate-1 Q8_0 — test"  # what needs no bootstrap shows at once
    assert "Comparing candidate-1 Q8_0" in window.status.jobs_label.text()
    shot(window, qtbot, "evaluation-comparing")
    _select(page, runs["base"])  # the page stays usable meanwhile
    _select(page, runs["second"])
    bootstrap.release()
    qtbot.waitUntil(lambda: page.details_job is None, timeout=30_000)
    assert bootstrap.threads and threading.main_thread() not in bootstrap.threads
    rows = {r.id: r for r in page.comparison.rows() if r.id is not None}
    assert rows[runs["second"]].is_selected and rows[runs["first"]].versus is not None
    assert page.cards["gate"].value == "red"
    shot(window, qtbot, "evaluation-compared")


def test_a_comparison_that_ends_after_another_run_was_selected_is_not_shown(
        window: Any, workspace: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.evaluation import gate

    runs = _filled(workspace)
    page = _open(window, qtbot, workspace)
    gates = Recorder(gate.gate)
    monkeypatch.setattr(gate, "gate", gates)
    gates.hold()
    _select(page, runs["second"])  # its job waits in the gate, after its last cancel check: it will succeed
    assert gates.waiting.wait(10)
    stale = page.details_job
    _select(page, runs["base"])  # a base-model run: no gate
    qtbot.waitUntil(lambda: page.details_job is None, timeout=30_000)
    shown = [r.id for r in page.comparison.rows() if r.id is not None and r.is_selected]
    assert shown == [runs["base"]] and page.cards["gate"].value == "—"
    gates.release()
    qtbot.waitUntil(lambda: stale.done, timeout=30_000)
    assert stale.state.value == "succeeded"  # it did finish, with candidate-1's comparison and red gate ...
    shown = [r.id for r in page.comparison.rows() if r.id is not None and r.is_selected]
    assert shown == [runs["base"]] and page.cards["gate"].value == "—"  # ... which is not shown
    assert page.info is not None and page.info.id == runs["base"] and page.gate is None
    shot(window, qtbot, "evaluation-stale-result-ignored")


def test_the_report_and_its_pdf_are_written_off_the_gui_thread(window: Any, workspace: Any, qtbot: Any,
                                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               shown_errors: list[Any]) -> None:
    from desktop import report_pdf
    from engine.evaluation import report

    runs = _filled(workspace)
    page = _open(window, qtbot, workspace)
    _select(page, runs["second"])
    qtbot.waitUntil(lambda: page.details_job is None, timeout=30_000)
    html_writer = Recorder(report.write_report)
    pdf_writer = Recorder(report_pdf.html_to_pdf)
    pdf_writer.hold()
    monkeypatch.setattr(report, "write_report", html_writer)
    monkeypatch.setattr(report_pdf, "html_to_pdf", pdf_writer)
    job = page.export_report(tmp_path / "report.html")
    assert job is not None
    assert pdf_writer.waiting.wait(30)
    assert not page.export_button.isEnabled() and "Writing the report" in page.banner.text()
    shot(window, qtbot, "evaluation-exporting")
    pdf_writer.release()
    qtbot.waitUntil(lambda: job.done, timeout=60_000)
    assert threading.main_thread() not in html_writer.threads + pdf_writer.threads
    assert len(html_writer.threads) == len(pdf_writer.threads) == 1
    html, pdf = job.result
    assert "candidate-1 Q8_0" in html.read_text() and pdf.read_bytes().startswith(b"%PDF")
    assert page.banner.text() == f"Report written: {html} and {pdf.name}" and page.export_button.isEnabled()
    assert not shown_errors
    shot(window, qtbot, "evaluation-exported")


def test_a_failed_export_is_an_error_message(window: Any, workspace: Any, qtbot: Any, tmp_path: Path,
                                             shown_errors: list[Any]) -> None:
    runs = _filled(workspace)
    page = _open(window, qtbot, workspace)
    _select(page, runs["second"])
    (tmp_path / "taken").write_text("a file, not a folder")
    job = page.export_report(tmp_path / "taken" / "report.html")
    qtbot.waitUntil(lambda: job.done, timeout=60_000)
    assert shown_errors and shown_errors[-1][0] == "Could not export the report"
    assert page.banner.isHidden() and page.export_button.isEnabled()


def test_promoting_checks_the_gate_off_the_gui_thread(window: Any, workspace: Any, qtbot: Any,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      shown_errors: list[Any]) -> None:
    """Promotion checks the gate again (two paired bootstraps) before it writes: that runs in a job,
    the page stays usable meanwhile, and the window refreshes what shows the promoted model after."""
    from engine.evaluation import gate

    runs = _filled(workspace)
    page = _open(window, qtbot, workspace)
    _select(page, runs["first"])  # the promoted model's own run: its gate is green
    qtbot.waitUntil(lambda: page.details_job is None, timeout=30_000)
    assert page.cards["gate"].value == "green"
    _select(page, runs["second"])
    qtbot.waitUntil(lambda: page.details_job is None, timeout=30_000)
    assert page.cards["gate"].value == "red" and page.gate is not None
    gates = Recorder(gate.gate)
    monkeypatch.setattr(gate, "gate", gates)
    gates.hold()
    page.promote_button.click()  # red: the override dialog asks why, with the gate the page has already
    assert gates.threads == []
    page.override_dialog.reason.setPlainText("the new labels are needed on line 3")
    page.override_dialog.ok.click()
    assert gates.waiting.wait(10)  # the engine checks the gate again before it promotes, in the job
    assert page.promoter.busy and not page.promote_button.isEnabled()
    assert "Promoting candidate-1" in window.status.jobs_label.text()
    assert workspace.evaluation.promoted() == runs["first_artifact"]  # nothing written yet
    _select(page, runs["base"])  # the page stays usable meanwhile
    shot(window, qtbot, "evaluation-promoting")
    gates.release()
    qtbot.waitUntil(lambda: not page.promoter.busy, timeout=30_000)
    assert gates.threads and threading.main_thread() not in gates.threads
    assert workspace.evaluation.promoted() == runs["second_artifact"] and not shown_errors
    assert page.cards["promoted"].value == "candidate-1"  # the window refreshed the page after the job
    assert "candidate-1 is now the promoted model (override: the new labels" in page.banner.text()
    assert window.pages["console"].stale  # the console serves the promoted model: it reads when shown
    assert page.promote_button.isEnabled() is False  # a base-model run is selected: nothing to promote


def test_the_review_list_is_read_off_the_gui_thread_and_a_stale_read_is_dropped(
        window: Any, workspace: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.evaluation import review

    runs = _filled(workspace)
    page = _open(window, qtbot, workspace)
    page.tabs.setCurrentWidget(page.review)
    qtbot.waitUntil(lambda: not page.review.reader.busy, timeout=30_000)
    reads = Recorder(review.predictions)
    monkeypatch.setattr(review, "predictions", reads)
    reads.hold()
    _select(page, runs["second"])  # its read waits in the engine
    assert reads.waiting.wait(10)
    assert page.review.reader.busy and page.review.count.text() == "Reading the predictions…"
    shot(window, qtbot, "evaluation-review-reading")
    _select(page, runs["base"])  # a newer read: it wins
    qtbot.waitUntil(lambda: not page.review.reader.busy, timeout=30_000)
    base_rows = page.review.examples.rows()
    assert base_rows and {r.run_id for r in base_rows} == {runs["base"]}
    reads.release()
    qtbot.waitUntil(lambda: not window.runner.running(), timeout=30_000)
    assert {r.run_id for r in page.review.examples.rows()} == {runs["base"]}  # the stale read is not shown
    assert len(reads.threads) >= 2 and threading.main_thread() not in reads.threads
    shot(window, qtbot, "evaluation-review-read")
