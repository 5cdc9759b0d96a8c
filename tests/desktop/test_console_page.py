"""The console page on the real demo GGUF: streamed chat, extraction as form + JSON, monitoring charts,
the review queue turning a flagged answer into a labelled example, the batch form. Screenshots of each."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from engine.paths import demo_model_path

pytestmark = pytest.mark.slow  # real llama.cpp answers

SCHEMA = {"type": "object", "properties": {
    "category": {"enum": ["electrical", "mechanical", "hydraulic", "software"]},
    "area": {"type": "string", "maxLength": 30}}, "required": ["category", "area"]}


def _save(window: Any, qtbot: Any, artifacts_dir: Path, name: str) -> None:
    qtbot.wait(50)
    screens = artifacts_dir / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(screens / f"{name}.png"))


def test_console_tabs_chat_extract_classify_batch_monitor_review_endpoint(
        window: Any, workspace: Any, qtbot: Any, tmp_path: Path, artifacts_dir: Path,
        shown_errors: list[tuple[str, str]]) -> None:
    from sqlalchemy import select

    from desktop.qt import QApplication
    from engine.console.models import unload_all
    from engine.store.models import Example

    model = demo_model_path()
    assert model is not None
    shutil.copyfile(model, tmp_path / "demo.gguf")
    base = workspace.models.ensure_demo_model()
    workspace.models.add_artifact("demo-chat", "gguf", tmp_path / "demo.gguf", "Q4_1", None, base.id, "copy")
    task = workspace.tasks.create("Fault fields", "extraction", {"schema": SCHEMA},
                                  "Extract the fault category and the plant area as JSON.", "Report:\n{input}")
    triage = workspace.tasks.create("Fault triage", "classification",
                                    {"labels": [{"name": "electrical"}, {"name": "mechanical"}]},
                                    "Classify the fault: electrical or mechanical.", "Report:\n{input}")
    workspace.set_setting("console.confidence_threshold", "1.01")  # every answer goes to review
    window.set_workspace(workspace)
    window.show_page("console")
    page = window.pages["console"]
    try:
        page.tabs.setCurrentWidget(page.chat_tab)
        chat = page.chat_tab
        chat.max_tokens = 16
        chat.input.setPlainText("What does a fuse do?")
        chat.send_button.click()
        qtbot.waitUntil(lambda: chat._job is None, timeout=300_000)
        text = chat.transcript.toPlainText()
        assert text.startswith("You: What does a fuse do?\n\nModel: ") and len(text) > 40
        chat.copy()
        assert QApplication.clipboard().text() == text
        _save(window, qtbot, artifacts_dir, "console-chat")

        page.tabs.setCurrentWidget(page.extract_tab)
        ext = page.extract_tab
        assert ext.task.currentData() == task.id
        ext.input.setPlainText("On the paint shop: the hydraulic pump whines and leaks oil.")
        ext.extract_button.click()
        qtbot.waitUntil(lambda: bool(ext.json_view.toPlainText()), timeout=300_000)
        answer = json.loads(ext.json_view.toPlainText())
        assert set(answer) == {"category", "area"} and ext.form.rowCount() == 2
        assert "Unsure" in ext.verdict.text()
        _save(window, qtbot, artifacts_dir, "console-extract")

        page.tabs.setCurrentIndex(0)  # classify
        page.classify_task.setCurrentIndex(page.classify_task.findData(triage.id))
        page.input.setPlainText("The main breaker of the press trips every morning.")
        page.classify_button.click()
        qtbot.waitUntil(lambda: page._job is None and page.result_badge.isVisible(), timeout=300_000)
        assert page.result_label.text() in ("electrical", "mechanical")
        assert "confidence" in page.result_details.text() and "Unsure" in page.result_badge.text()
        _save(window, qtbot, artifacts_dir, "console-classify")

        page.tabs.setCurrentWidget(page.batch_tab)
        batch = page.batch_tab
        (tmp_path / "in.csv").write_text("id,report\n1,The fuse blew on line 2.\n2,The conveyor bearing grinds.\n")
        batch.source.setText(str(tmp_path / "in.csv"))
        batch.task.setCurrentIndex(batch.task.findData(task.id))
        batch.column.setText("report")
        batch.out.setText(str(tmp_path / "batch-out"))
        batch.run_button.click()
        qtbot.waitUntil(lambda: not batch.progress.busy, timeout=300_000)
        assert batch.result.text().startswith("✔ 2 answers (2 flagged"), batch.result.text()
        assert len((tmp_path / "batch-out" / "answers.jsonl").read_text().splitlines()) == 2
        _save(window, qtbot, artifacts_dir, "console-batch")

        page.tabs.setCurrentWidget(page.monitor_tab)
        assert sum(p[1] for p in page.monitor_tab.volume.series()[0].points) == 5
        _save(window, qtbot, artifacts_dir, "console-monitoring")

        page.tabs.setCurrentWidget(page.review_tab)
        review = page.review_tab
        assert review.table.row_count() == 4 and review.threshold.value() == 1.0
        review.table.selectRow(next(i for i, c in enumerate(review.table.rows()) if "paint shop" in c.redacted_input))
        review.correction.setText(json.dumps({"category": "hydraulic", "area": "paint shop"}))
        _save(window, qtbot, artifacts_dir, "console-review")
        review.correct_button.click()
        assert review.table.row_count() == 3 and "became labelled example" in review.status.text()
        with workspace.reader() as s:
            assert s.scalar(select(Example.origin).where(Example.task_id == task.id)) == "correction"

        page.tabs.setCurrentWidget(page.export_tab)
        assert page.export_tab.run.count() == 0 and not page.export_tab.export_button.isEnabled()
        _save(window, qtbot, artifacts_dir, "console-export")

        page.tabs.setCurrentWidget(page.endpoint_tab)
        endpoint = page.endpoint_tab
        assert not endpoint.running  # off by default
        endpoint.host.setText("0.0.0.0")
        endpoint.toggle_button.click()
        assert not endpoint.running and "only binds to 127.0.0.1" in shown_errors[-1][1]
        endpoint.host.setText("127.0.0.1")
        endpoint.port.setValue(0)
        endpoint.toggle_button.click()
        assert endpoint.running and "http://127.0.0.1:" in endpoint.status.text()
        token = endpoint.endpoint.new_token  # the first start issues the workspace's token, shown this once
        assert token and f"shown this once (copy it now): {token}" in endpoint.status.text()
        _save(window, qtbot, artifacts_dir, "console-endpoint")
        window.set_workspace(None)  # closing the workspace turns the endpoint off
        assert not endpoint.running
        assert [e.action for e in workspace.audit.entries(action="console.endpoint")] == [
            "console.endpoint_stopped", "console.endpoint_started", "console.endpoint_token_issued"]
        assert all(token not in str(e.details) for e in workspace.audit.entries())  # only its name is audited
    finally:
        page.endpoint_tab.turn_off()
        unload_all()


def test_export_tab_exports_a_trained_run_with_progress(window: Any, trained_demo_copy: Path, qtbot: Any) -> None:
    """The export tab on a copy of the session's trained demo: the adapter alone as a GGUF LoRA (the quick
    artifact; the quantized ones go through the same job and are covered in tests/engine/test_export.py)."""
    from engine.workspace import Workspace

    ws = Workspace.open(trained_demo_copy)
    window.set_workspace(ws)
    window.show_page("console")
    page = window.pages["console"]
    page.tabs.setCurrentWidget(page.export_tab)
    tab = page.export_tab
    before = page.models.row_count()
    assert tab.run.count() == 1 and tab.export_button.isEnabled()
    for box in tab.levels.values():
        box.setChecked(False)
    tab.lora.setChecked(True)
    tab.export_button.click()
    assert tab.progress.busy and "Exporting run" in tab.progress.label.text()
    qtbot.waitUntil(lambda: not tab.progress.busy, timeout=300_000)
    assert tab.result.text().startswith("✔ run-"), tab.result.text()
    assert "lora_gguf" in tab.result.text()
    (art,) = [a for a in ws.models.artifacts() if a.kind == "lora_gguf"]
    assert art.sha256[:12] in tab.result.text()
    assert page.models.row_count() == before  # a LoRA adapter is not a model the console runs on its own
    window.set_workspace(None)
