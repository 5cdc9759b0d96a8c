"""The review tab names the cascade's fallback model: a GGUF with a chat template is kept, anything
else is refused with the file named and the setting unchanged; 'No fallback' removes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop.console import review_tab
from desktop.console.review_tab import ReviewTab


def test_fallback_is_chosen_refused_and_cleared(qtbot: Any, styled_app: Any, workspace: Any, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.console.cascade import fallback_path
    from engine.paths import demo_model_path

    warned: list[str] = []
    monkeypatch.setattr(review_tab.QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    tab = ReviewTab()
    qtbot.addWidget(tab)
    tab.load(workspace)
    assert tab.fallback.text() == "no fallback model" and not tab.fallback_clear.isEnabled()
    model = demo_model_path()
    assert model is not None
    tab._set_fallback(str(model))
    assert fallback_path(workspace) == model.resolve() and tab.fallback.text() == f"asked again first: {model.name}"
    bad = tmp_path / "weights.gguf"
    bad.write_bytes(b"GGUF but not really")
    tab._set_fallback(str(bad))
    assert warned and "weights.gguf" in warned[0] and fallback_path(workspace) == model.resolve()
    tab.fallback_clear.click()
    assert fallback_path(workspace) is None and tab.fallback.text() == "no fallback model"
    changes = [e.details["new"] for e in workspace.audit.entries(action="setting.changed")]
    assert changes[:2] == ["", str(model.resolve())]  # newest first: cleared, after it was set
