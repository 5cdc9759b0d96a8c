"""Suite-wide fixtures: the offline guard is on for every test, threads must not leak."""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Who the tests act as: an explicit call, never an environment variable the app honours. Child
# Python processes (the CLI, the training worker) get the same user through the suite's own
# sitecustomize (tests/subprocess_identity). Anchors and seal keys go to a scratch folder, not $HOME.
os.environ["AIRLOCK_TEST_SUITE_USER"] = "tester"
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(Path(__file__).parent / "subprocess_identity"), str(Path(__file__).resolve().parents[1]),
     *([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])])
if "AIRLOCK_STATE_DIR" not in os.environ:  # a scratch folder of this run, removed when the run ends
    os.environ["AIRLOCK_STATE_DIR"] = tempfile.mkdtemp(prefix="airlock-test-state-")
    atexit.register(shutil.rmtree, os.environ["AIRLOCK_STATE_DIR"], True)

from engine import offline
from engine.identity import use_test_user

use_test_user("tester")

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


@contextlib.contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Act as another OS account inside the block (the suite's only way to be someone else)."""
    use_test_user(name)
    try:
        yield
    finally:
        use_test_user("tester")


@pytest.fixture
def as_user() -> Iterator[Any]:
    """`with as_user("bob"): ...` acts as bob; the test user is restored afterwards in any case."""
    yield acting_as
    use_test_user("tester")


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


@dataclass(frozen=True)
class TrainedDemo:
    """A real workspace after `airlock demo --quick`: redacted corpus, frozen version, a trained run,
    GGUF artifacts (f16 + Q8_0), base and fine-tuned evaluation runs."""

    root: Path
    result: dict[str, Any]
    table: str


@pytest.fixture(scope="session")
def trained_demo(tmp_path_factory: pytest.TempPathFactory) -> TrainedDemo:
    """Trains once per test session (about two minutes on CPU); every slow test that needs a
    fine-tuned model shares it. Treat it as read-only: use `trained_demo_copy` to change things."""
    from engine.cli import main

    root = tmp_path_factory.mktemp("demo") / "ws"
    out = root.parent / "result.json"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["demo", "--quick", "--quiet", "--workspace", str(root), "--json", str(out)])
    assert code == 0
    return TrainedDemo(root, json.loads(out.read_text()), buf.getvalue())


@pytest.fixture
def trained_demo_copy(trained_demo: TrainedDemo, tmp_path: Path) -> Path:
    """A private copy of the trained demo workspace (artifacts included) for tests that write to it."""
    copy = tmp_path / "demo-copy"
    shutil.copytree(trained_demo.root, copy)
    return copy


@pytest.fixture
def copied_machine_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The suite's self-tested llama.cpp machine state, copied into the test's own state folder
    (AIRLOCK_STATE_DIR, inherited by child processes): a crash that marks settings bad stays there."""
    from engine.inference import selftest

    selftest.machine_choice(run_if_missing=True)
    source = selftest.state_path()
    target = tmp_path / "machine-state"
    target.mkdir()
    (target / source.name).write_bytes(source.read_bytes())
    monkeypatch.setenv("AIRLOCK_STATE_DIR", str(target))
    return target
