"""Long-lived objects are frozen out of Python's full collections, so those cannot pause the
window for 50-75 ms (desktop/pauses.py; measured in bench/gc_pauses.py)."""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from desktop import pauses
from desktop.jobs import Job, JobRunner
from engine.jobs import JobContext

NOT_YET_LOADED = ("mailbox", "wave", "sunau", "xdrlib", "nntplib", "imaplib", "poplib", "tabnanny")


@pytest.fixture
def runner(qapp: Any) -> Iterator[JobRunner]:
    r = JobRunner()
    yield r
    assert r.shutdown(10)


def test_a_job_that_loads_a_library_freezes_it_out_of_full_collections(runner: JobRunner, qtbot: Any) -> None:
    name = next((n for n in NOT_YET_LOADED if n not in sys.modules), None)
    assert name is not None, "every candidate module is already loaded: add one"
    pauses.freeze_long_lived()  # whatever this process loaded before the test
    frozen_before = gc.get_freeze_count()

    def load(ctx: JobContext) -> Any:
        return importlib.import_module(name)

    job = Job(load, "Load a library").run(runner)
    qtbot.waitUntil(lambda: job.done, timeout=10_000)
    module = job.result
    # what the job loaded is frozen: tracked, yet in no generation a full collection walks (the
    # freeze count alone can drop meanwhile, when objects frozen by earlier tests are freed)
    assert gc.get_freeze_count() > 0 and frozen_before > 0
    functions = [v for v in vars(module).values() if callable(v) and gc.is_tracked(v)]
    assert gc.is_tracked(module.__dict__) and functions
    walked = {id(obj) for obj in gc.get_objects()}
    assert id(module.__dict__) not in walked  # a full collection skips it
    assert not any(id(f) in walked for f in functions)
    assert pauses.freeze_long_lived() is False  # nothing new loaded since: nothing to freeze


def test_with_a_workspace_open_on_every_page_full_collections_walk_few_objects(
        window: Any, filled: Any, qtbot: Any) -> None:
    ws, _counts = filled
    gc.unfreeze()  # start from nothing frozen: what follows must freeze by itself
    pauses._modules_when_frozen = 0
    window.set_workspace(ws)
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        qtbot.waitUntil(lambda: not window.runner.running(), timeout=30_000)
    walked, frozen = pauses.walked_by_a_full_collection(), gc.get_freeze_count()
    assert frozen > 50_000  # the window, the pages, SQLAlchemy: all long-lived
    assert walked < frozen / 10, (walked, frozen)
