"""The inference process killed mid-answer (SIGKILL, SIGSEGV) while the console streams a chat:
the window stays alive, says what happened in one line, keeps every stored row, and the next
question is answered by a restarted runtime."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest

from engine.paths import demo_model_path

pytestmark = pytest.mark.slow  # real llama.cpp answers


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSEGV])
def test_the_window_survives_the_inference_process_dying_mid_answer(
        window: Any, workspace: Any, qtbot: Any, tmp_path: Path, sig: signal.Signals, artifacts_dir: Path,
        copied_machine_state: Path) -> None:
    model = demo_model_path()
    assert model is not None
    shutil.copyfile(model, tmp_path / "demo.gguf")
    base = workspace.models.ensure_demo_model()
    workspace.models.add_artifact("demo-chat", "gguf", tmp_path / "demo.gguf", "Q4_1", None, base.id, "copy")
    events_before = len(workspace.audit.entries(limit=100_000))
    window.set_workspace(workspace)
    window.show_page("console")
    page = window.pages["console"]
    chat = page.chat_tab
    page.tabs.setCurrentWidget(chat)
    try:
        chat.max_tokens = 400
        chat.input.setPlainText("Tell me a long story about a factory.")
        chat.send_button.click()
        qtbot.waitUntil(lambda: "Model: " in chat.transcript.toPlainText()
                        and len(chat.transcript.toPlainText().split("Model: ", 1)[1]) > 10, timeout=300_000)
        loaded = workspace.console.link.loaded()
        assert loaded is not None
        assert loaded.pid is not None
        streamed = chat.transcript.toPlainText().split("Model: ", 1)[1]
        os.kill(loaded.pid, sig)
        qtbot.waitUntil(lambda: chat._job is None, timeout=120_000)
        text = chat.transcript.toPlainText()
        assert "[no answer: the inference runtime" in text and "try again" in text
        # what the operator already read stays on screen, above the failure line
        answer = text.split("Model: ", 1)[1]
        assert answer.startswith(streamed) and "[cut off]\n[no answer:" in answer
        assert sig.name in text
        window.grab().save(str(artifacts_dir / f"console-crash-{sig.name}.png"))
        # the window is alive and usable: switch pages and back
        window.show_page("documents")
        window.show_page("console")
        assert window.isVisible()
        # nothing stored was lost, the log is intact and the crash is in it
        assert workspace.audit.verify().ok
        crashes = workspace.audit.entries(action="inference.crashed")
        assert len(crashes) == 1 and crashes[0].details["outcome"] in ("crashed", "killed")
        # what was streamed before the crash is kept in the call log like any stopped answer
        assert len(workspace.audit.entries(limit=100_000)) == events_before + 2
        assert len(workspace.audit.entries(action="console.chat")) == 1
        # the same question again: the runtime restarts and answers
        chat.max_tokens = 8
        chat.input.setPlainText("What does a fuse do?")
        chat.send_button.click()
        qtbot.waitUntil(lambda: chat._job is None, timeout=300_000)
        assert chat.transcript.toPlainText().count("Model: ") == 2
        assert "[no answer" not in chat.transcript.toPlainText().split("What does a fuse do?", 1)[1]
    finally:
        workspace.console.unload()
