"""Suite-wide fixtures: the offline guard is on for every test, threads must not leak."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("AIRLOCK_USER", "tester")

from engine import offline

offline.install_guard()

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(autouse=True)
def _offline_guard_is_on() -> None:
    assert offline.guard_installed(), "the offline guard must be on for every test"


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate()
              if t not in before and t.is_alive() and not t.daemon]
    for t in leaked:
        t.join(timeout=5)
    still = [t.name for t in leaked if t.is_alive()]
    assert not still, f"test leaked threads: {still}"


@pytest.fixture
def workspace(tmp_path: Path):  # type: ignore[no-untyped-def]
    from engine.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
