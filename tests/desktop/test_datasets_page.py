"""The datasets page on a real workspace: freeze a version as a job (progress, cancel), its counts,
class balance, length histogram, readiness, rejections, duplicates and a diff; a screenshot."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from desktop.datasets.freeze_dialog import FreezeDialog, FreezeRequest
from engine.datasets.freeze import SplitPlan
from engine.store import models as m
from tests.signed import SIGNED

WORDS = ["parcel", "invoice", "refund", "money", "late", "broken", "rude", "app", "crash", "login", "password",
         "delivery", "address", "order", "box"]
T0 = datetime(2026, 1, 1)


@pytest.fixture
def ws(workspace: Any) -> Any:
    """400 tickets: refund-heavy (question is rare: severe imbalance), every 50th unlabelled, every
    40th golden, one duplicate of ticket 5 in capitals."""
    labels = [{"name": n, "description": n} for n in ("refund", "complaint", "question")]
    task = workspace.tasks.create("triage", "classification", {"labels": labels}, "Classify the ticket.", "{input}")
    rng = random.Random(1)
    texts = [f"ticket {i}: " + " ".join(rng.choice(WORDS) for _ in range(12)) for i in range(400)]
    texts.append(texts[5].upper())
    with workspace.unit() as s:
        s.execute(insert(m.Example), [{"task_id": task.id, "origin": "import", "input_text": t, "created_at": T0,
                                       "is_golden": i % 40 == 0} for i, t in enumerate(texts)])
        ids = list(s.scalars(select(m.Example.id).order_by(m.Example.id)))
        s.execute(insert(m.Label), [
            {"example_id": ex, "annotator": "tester", "created_at": T0,
             "value": "question" if i % 25 == 0 else "complaint" if i % 5 == 0 else "refund"}
            for i, ex in enumerate(ids[:400]) if i % 50 != 7] + [
            {"example_id": ids[400], "annotator": "tester", "value": "complaint", "created_at": T0}])
    return workspace


@pytest.fixture
def page(qtbot: Any, styled_app: Any, ws: Any) -> Iterator[Any]:
    from desktop.datasets.page import DatasetsPage
    from desktop.jobs import JobRunner

    runner = JobRunner()
    page = DatasetsPage(runner)
    qtbot.addWidget(page)
    page.resize(1280, 900)
    page.show()
    qtbot.waitExposed(page)
    page.set_workspace(ws)
    yield page
    runner.shutdown(10)


def freeze(page: Any, qtbot: Any, name: str, seed: int, keep_splits: bool = True) -> Any:
    task = page.ws.tasks.find("triage")
    page.start_freeze(FreezeRequest(task.id, name, SplitPlan(seed=seed, keep_splits=keep_splits)), SIGNED)
    assert not page.freeze_button.isEnabled() and page.progress_strip.isVisible()
    qtbot.waitUntil(lambda: page.freeze_job is None, timeout=60_000)
    return next(v for v in page.ws.datasets.versions() if v.name == name)


def test_the_freeze_dialog_builds_the_request(qtbot: Any, ws: Any) -> None:
    dialog = FreezeDialog(ws.tasks.all(), {"triage-v1"})
    qtbot.addWidget(dialog)
    assert dialog.name.text() == "triage-v2"  # the next free name
    dialog.seed.setValue(7)
    dialog.eval_share.setValue(15)
    dialog.test_share.setValue(25)
    assert dialog.train_share.text() == "60 %"
    request = dialog.request()
    assert request.task_id == ws.tasks.find("triage").id and request.name == "triage-v2"
    assert (request.plan.seed, request.plan.eval_fraction, request.plan.test_fraction) == (7, 0.15, 0.25)
    dialog.min_answer.setValue(3)
    dialog.max_answer.setValue(2)
    assert "shortest answer" in dialog.problem.text()
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    dialog.max_answer.setValue(400)
    plan = dialog.request().plan
    assert (plan.min_answer_chars, plan.max_answer_chars) == (3, 400)
    dialog.test_share.setValue(85)
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    assert "training" in dialog.problem.text()


def test_freeze_shows_the_version(page: Any, qtbot: Any, ws: Any, artifacts_dir: Path) -> None:
    version = freeze(page, qtbot, "triage-v1", seed=1)
    assert page.progress.value() == 1000 and "Frozen triage-v1" in page.progress_label.text()
    assert page.freeze_button.isEnabled()
    assert page.versions.row_count() == 1 and page.versions.selected_row().id == version.id
    splits = version.stats["splits"]
    cards = page.overview.cards
    assert cards["train"].value == f"{splits['train']:,}" and cards["test"].value == f"{splits['test']:,}"
    assert cards["golden"].value == "10" and cards["rejected"].value == str(version.rejections)

    bars = {b.name: b for b in page.overview.balance.bars}
    counts = version.stats["class_balance"]["counts"]
    assert {k: int(b.text.replace(",", "")) for k, b in bars.items()} == counts
    assert bars["refund"].fraction == 1.0 and "Severe imbalance" in page.overview.balance_warning.text()
    assert sum(page.overview.lengths.counts) == version.stats["total"]  # one histogram entry per item
    assert "tokenizer" in page.overview.lengths_note.text() or "not taken" in page.overview.lengths_note.text()

    reasons = [r.reason for r in page.rejections.rows()]
    assert len(reasons) == version.rejections
    assert sum("not labelled" in r for r in reasons) == 8 and any("duplicate" in r for r in reasons)
    assert page.rejection_summary.text() == "9 examples left out: 8 not labelled · 1 duplicate"

    qtbot.waitUntil(lambda: bool(page.readiness.rows), timeout=30_000)
    levels = {r.message.text(): r.level for r in page.readiness.rows}
    report = ws.datasets.readiness(version.id)
    assert levels == {c.message: c.level for c in report.checks}
    assert "balance" in {c.name for c in report.checks if c.level == "warn"}
    assert "ready to train" in page.readiness.verdict.text()
    assert "No test, golden or OOD example" in page.duplicates.leak_check.text()
    page.grab().save(str(artifacts_dir / "screens" / "datasets-overview.png"))
    page.tabs.setCurrentWidget(page.readiness)
    qtbot.wait(30)
    page.grab().save(str(artifacts_dir / "screens" / "datasets-readiness.png"))


def test_the_freeze_button_opens_the_dialog_and_runs_the_job(page: Any, qtbot: Any, ws: Any) -> None:
    from desktop.qt import QTimer

    def fill_in() -> None:
        dialog = page.freeze_dialog
        dialog.name.setText("from-the-dialog")
        dialog.seed.setValue(5)
        dialog.accept()

    QTimer.singleShot(200, fill_in)
    page.freeze_button.click()  # modal until fill_in accepts it
    qtbot.waitUntil(lambda: page.freeze_job is None and page.versions.row_count() == 1, timeout=60_000)
    (version,) = ws.datasets.versions()
    assert (version.name, version.seed) == ("from-the-dialog", 5)


def test_freeze_can_be_cancelled(page: Any, qtbot: Any, ws: Any) -> None:
    task = ws.tasks.find("triage")
    page.start_freeze(FreezeRequest(task.id, "never", SplitPlan(seed=3)), SIGNED)
    page.cancel_freeze()
    qtbot.waitUntil(lambda: page.freeze_job is None, timeout=60_000)
    assert ws.datasets.versions() == []
    assert "nothing was stored" in page.progress_label.text()


def test_two_versions_can_be_compared(page: Any, qtbot: Any, ws: Any, artifacts_dir: Path) -> None:
    first = freeze(page, qtbot, "triage-v1", seed=1)
    second = freeze(page, qtbot, "triage-v2", seed=2, keep_splits=False)
    assert page.versions.selected_row().id == second.id
    page.tabs.setCurrentWidget(page.diff)
    assert page.diff.other.currentData() == first.id
    page.diff.compare_button.click()
    qtbot.waitUntil(lambda: page.diff.job is None, timeout=30_000)  # the comparison is a job
    diff = ws.datasets.diff(first.id, second.id)
    assert diff.moved and not diff.added and not diff.removed  # re-drawn with another seed: only the splits move
    assert f"{len(diff.moved):,} moved between splits" in page.diff.summary.text()
    assert page.diff.table.row_count() == len(diff.moved)
    assert {r.change for r in page.diff.table.rows()} == {"moved"}
    qtbot.wait(30)
    page.grab().save(str(artifacts_dir / "screens" / "datasets-compare.png"))


def test_a_version_can_be_exported(page: Any, qtbot: Any, ws: Any, tmp_path: Path) -> None:
    from desktop.datasets.export_button import export_target

    version = freeze(page, qtbot, "triage-v1", seed=1)
    assert page.export_button.isEnabled() and page.export_button.version_name == "triage-v1"
    target = export_target(tmp_path, "triage-v1", "chat")
    assert target == tmp_path / "triage-v1-chat-jsonl"
    page.export_version("chat", target)
    qtbot.waitUntil(lambda: "Exported triage-v1" in page.banner.text(), timeout=30_000)
    written = {p.name for p in target.iterdir()}
    assert {"train.jsonl", "test.jsonl"} <= written
    lines = (target / "train.jsonl").read_text().splitlines()
    assert len(lines) == version.stats["splits"]["train"]
    target.mkdir(exist_ok=True)
    assert export_target(tmp_path, "triage-v1", "chat") == tmp_path / "triage-v1-chat-jsonl-2"  # never overwrites


def test_the_minimum_number_of_examples_is_set_from_the_readiness_tab(page: Any, qtbot: Any, ws: Any) -> None:
    version = freeze(page, qtbot, "triage-v1", seed=1)
    qtbot.waitUntil(lambda: bool(page.readiness.rows), timeout=30_000)
    assert page.readiness.minimum.value() == ws.datasets.minimum_examples() == 50
    assert not page.readiness.apply_minimum.isEnabled()
    page.readiness.minimum.setValue(version.stats["total"] + 1)
    assert page.readiness.apply_minimum.isEnabled()
    page.readiness.apply_minimum.click()
    qtbot.waitUntil(lambda: "not ready" in page.readiness.verdict.text(), timeout=30_000)
    assert ws.datasets.minimum_examples() == version.stats["total"] + 1
    learn = sum(version.stats["splits"][s] for s in ("train", "eval", "test"))
    levels = {r.message.text(): r.level for r in page.readiness.rows}
    assert levels[f"Only {learn} examples to learn from; at least {version.stats['total'] + 1} are needed "
                  "(workspace setting dataset.min_examples)"] == "refuse"
