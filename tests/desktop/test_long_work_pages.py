"""Home's demo loop runs as a job with progress and cancel; a missing engine part is a message.

The demo loop itself (minutes of real training) is replaced here by a stand-in so that the page's job
wiring can be tested in seconds; the real loop runs in tests/engine/test_demo_loop.py. The console's
buttons are tested against the real model in tests/desktop/test_console_page.py."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from engine.jobs import JobContext


@dataclass
class FakeDemoResult:
    def table(self) -> str:
        return ("model                     split  accuracy  macro-F1  p95 ms\n"
                "SmolLM2-135M (zero-shot)  test      0.42      0.31     141\n"
                "fine-tuned Q4_K_M         test      0.94      0.93      98")

    def as_dict(self) -> dict[str, Any]:
        return {}


def fake_module(monkeypatch: pytest.MonkeyPatch, name: str, **attrs: Any) -> None:
    module = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, name, module)


def save(window: Any, qtbot: Any, artifacts_dir: Path, name: str) -> None:
    qtbot.wait(50)  # let pending layout requests settle before the picture
    screens = artifacts_dir / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(screens / f"{name}.png"))


def test_demo_loop_shows_its_table(window: Any, workspace: Any, qtbot: Any, artifacts_dir: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []

    def run_demo(ws: Any, ctx: JobContext, settings: Any) -> FakeDemoResult:
        seen.append((ws, settings))
        ctx.report(0.5, "training")
        return FakeDemoResult()

    fake_module(monkeypatch, "engine.demo", run_demo=run_demo, DemoSettings=lambda: "settings")
    window.set_workspace(workspace)
    home = window.pages["home"]
    home.demo_button.click()
    assert not home.demo_button.isEnabled() and home.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: home.demo_button.isEnabled(), timeout=5000)
    assert seen == [(workspace, "settings")]
    assert home.output.toPlainText() == FakeDemoResult().table()
    assert home.progress.value() == 1000
    assert not home.cancel_button.isEnabled()
    save(window, qtbot, artifacts_dir, "home-demo-done")


def test_demo_loop_can_be_cancelled(window: Any, workspace: Any, qtbot: Any,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def run_demo(ws: Any, ctx: JobContext, settings: Any) -> None:
        while True:
            ctx.step(0.1, "importing documents")

    fake_module(monkeypatch, "engine.demo", run_demo=run_demo, DemoSettings=lambda: None)
    window.set_workspace(workspace)
    home = window.pages["home"]
    home.demo_button.click()
    home.cancel_button.click()
    qtbot.waitUntil(lambda: home.demo_button.isEnabled(), timeout=5000)
    assert home.progress_label.text() == "Cancelled."
    assert home.output.toPlainText() == ""


def test_demo_loop_unavailable_is_a_message(window: Any, workspace: Any, qtbot: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "engine.demo", None)  # importing it raises ImportError
    window.set_workspace(workspace)
    home = window.pages["home"]
    home.demo_button.click()
    qtbot.waitUntil(lambda: home.demo_button.isEnabled(), timeout=5000)
    assert home.output.toPlainText().startswith("The demo loop is not available in this installation")
