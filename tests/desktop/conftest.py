"""GUI fixtures: the real stylesheet, a filled workspace, and no dialogs or real config."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.desktop import sample_data


@pytest.fixture(autouse=True)
def _config_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Recent-workspace lists go to a temporary folder, never the tester's own config."""
    from desktop import recent

    config = tmp_path / "config"
    monkeypatch.setattr(recent, "config_dir", lambda: config)
    return config


@pytest.fixture(autouse=True)
def shown_errors(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Error dialogs are recorded instead of blocking the test on a modal box."""
    from desktop import dialogs

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "show_error",
                        lambda parent, title, message, details="": shown.append((title, message)))
    return shown


@pytest.fixture(autouse=True)
def confirmations(monkeypatch: pytest.MonkeyPatch) -> Asked:
    """Confirmation boxes are recorded and answered with ``confirmations.answer`` (default: yes)
    instead of blocking the test on a modal box."""
    from desktop import dialogs

    asked = Asked()
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, message, action: asked.ask(title, message))
    return asked


@pytest.fixture(autouse=True)
def signatures(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sign dialog (freeze, promote, keep-originals on) is answered "approved: signed in a test"
    instead of blocking on a modal box; what was asked to be signed is recorded."""
    from desktop import sign_dialog
    from engine.signatures import Signature

    asked: list[str] = []

    def sign(parent: Any, what: str, signer: str) -> Signature:
        asked.append(what)
        return Signature("approved", "signed in a test")

    monkeypatch.setattr(sign_dialog, "ask_signature", sign)
    return asked


class Asked(list[tuple[str, str]]):
    answer = True

    def ask(self, title: str, message: str) -> bool:
        self.append((title, message))
        return self.answer


@pytest.fixture
def styled_app(qapp: Any) -> Any:
    from desktop.app import configure

    configure(qapp)
    return qapp


@pytest.fixture
def filled(workspace: Any) -> tuple[Any, sample_data.SampleCounts]:
    return workspace, sample_data.fill(workspace)


@pytest.fixture
def window(qtbot: Any, styled_app: Any) -> Iterator[Any]:
    from desktop.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
