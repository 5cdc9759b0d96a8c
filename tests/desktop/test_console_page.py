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


def test_console_tabs_chat_extract_monitor_review(window: Any, workspace: Any, qtbot: Any, tmp_path: Path,
                                                  artifacts_dir: Path) -> None:
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

        page.tabs.setCurrentWidget(page.monitor_tab)
        assert sum(p[1] for p in page.monitor_tab.volume.series()[0].points) == 2
        _save(window, qtbot, artifacts_dir, "console-monitoring")

        page.tabs.setCurrentWidget(page.review_tab)
        review = page.review_tab
        assert review.table.row_count() == 1
        review.table.select_first()
        review.correction.setText(json.dumps({"category": "hydraulic", "area": "paint shop"}))
        _save(window, qtbot, artifacts_dir, "console-review")
        review.correct_button.click()
        assert review.table.row_count() == 0 and "became labelled example" in review.status.text()
        with workspace.reader() as s:
            assert s.scalar(select(Example.origin).where(Example.task_id == task.id)) == "correction"

        page.tabs.setCurrentWidget(page.batch_tab)
        _save(window, qtbot, artifacts_dir, "console-batch")
        page.tabs.setCurrentWidget(page.export_tab)
        assert page.export_tab.run.count() == 0 and not page.export_tab.export_button.isEnabled()
        _save(window, qtbot, artifacts_dir, "console-export")
    finally:
        unload_all()
