"""The console service (``ws.console``): built on the workspace's store, it owns the loaded model
(closed with the workspace), and the module functions callers used before go through it."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from engine.paths import demo_model_path
from engine.workspace import Workspace


def test_the_console_is_built_on_the_workspace_store_and_its_peers(tmp_path: Path) -> None:
    with Workspace.create(tmp_path / "ws") as ws:
        console = ws.console
        assert console.store is ws.store and console.membership is ws.membership
        assert console.models is ws.models and console.tasks is ws.tasks and console.privacy is ws.privacy
        assert ws.membership.store is ws.store
        assert console.link.loaded() is None  # nothing is loaded until a call needs it
        ws.set_setting("console.confidence_threshold", "0.55")
        from engine.console.calls import threshold

        assert console.log.threshold() == threshold(ws) == 0.55
        assert console.reviews.queue() == [] and console.token.current() is None


def _gone(pid: int) -> bool:
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a child we started and that ended: reap it
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        except ChildProcessError:
            pass
        time.sleep(0.05)
    return False


@pytest.mark.slow  # starts the real inference process on the demo GGUF
def test_the_loaded_model_is_the_workspaces_and_goes_when_it_closes(tmp_path: Path) -> None:
    from engine.console.models import using

    model = demo_model_path()
    assert model is not None
    copy = tmp_path / "demo.gguf"
    shutil.copyfile(model, copy)
    ws = Workspace.create(tmp_path / "ws")
    try:
        with ws.console.using(copy) as loaded:
            assert loaded.tokenize("hello", add_bos=True)
            pid = loaded.pid
        assert pid is not None and ws.console.link.loaded() is loaded
        with using(ws, copy) as again:  # the module function reaches the same kept model
            assert again is loaded
    finally:
        ws.close()
    assert ws.console.link.loaded() is None
    assert _gone(pid), "the inference process outlived its workspace"
