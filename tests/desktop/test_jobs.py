"""The job runner: outcomes come back on the GUI thread, progress is throttled, cancel works."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from desktop.jobs import PROGRESS_INTERVAL_S, Job, JobRunner, JobState
from engine.jobs import JobContext


@pytest.fixture
def runner(qapp: Any) -> Iterator[JobRunner]:
    r = JobRunner()
    yield r
    assert r.shutdown(10)


def on_gui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def test_success_comes_back_on_the_gui_thread(runner: JobRunner, qtbot: Any) -> None:
    results: list[tuple[int, bool]] = []
    finished: list[Job[int]] = []
    worker_threads: list[bool] = []

    def compute(ctx: JobContext) -> int:
        worker_threads.append(on_gui_thread())
        return 6 * 7

    job = (Job(compute, "Answer").on_success(lambda value: results.append((value, on_gui_thread())))
           .on_finished(finished.append).run(runner))
    assert runner.running() == [job]
    qtbot.waitUntil(lambda: bool(finished), timeout=5000)
    assert results == [(42, True)]
    assert worker_threads == [False]
    assert job.state is JobState.SUCCEEDED and job.result == 42
    assert runner.running() == []


def test_failure_is_reported_with_its_traceback(runner: JobRunner, qtbot: Any) -> None:
    errors: list[BaseException] = []
    successes: list[object] = []

    def broken(ctx: JobContext) -> None:
        raise ValueError("the input file is not valid JSON")

    job = Job(broken).on_success(successes.append).on_failure(errors.append).run(runner)
    qtbot.waitUntil(lambda: job.done, timeout=5000)
    assert job.state is JobState.FAILED
    assert len(errors) == 1 and isinstance(errors[0], ValueError)
    assert "the input file is not valid JSON" in job.traceback and "broken" in job.traceback
    assert successes == []


def test_unhandled_failure_reaches_the_window(runner: JobRunner, qtbot: Any) -> None:
    def broken(ctx: JobContext) -> None:
        raise OSError("disk full")

    with qtbot.waitSignal(runner.unhandled_failure, timeout=5000) as signal:
        Job(broken).run(runner)
    assert signal.args == ["OSError", "disk full"]


def test_cancel_is_reported_as_cancelled_not_as_failure(runner: JobRunner, qtbot: Any) -> None:
    started = threading.Event()
    outcomes: list[str] = []

    def endless(ctx: JobContext) -> None:
        started.set()
        while True:
            ctx.step(0.5, "working")
            time.sleep(0.005)

    job = (Job(endless, "Endless").on_success(lambda _r: outcomes.append("success"))
           .on_failure(lambda _e: outcomes.append("failure"))
           .on_cancelled(lambda: outcomes.append("cancelled")).run(runner))
    assert started.wait(5)
    assert not job.cancel_requested
    job.cancel()
    assert job.cancel_requested
    qtbot.waitUntil(lambda: job.done, timeout=5000)
    assert outcomes == ["cancelled"]
    assert job.state is JobState.CANCELLED and job.error is None


def test_progress_is_throttled_and_the_last_value_kept(runner: JobRunner, qtbot: Any) -> None:
    received: list[tuple[float, float, str, bool]] = []

    def busy(ctx: JobContext) -> str:
        end = time.monotonic() + 0.6
        i = 0
        while time.monotonic() < end:
            i += 1
            ctx.report(min(0.99, i / 5000), f"step {i}")
            time.sleep(0.0002)
        ctx.report(1.0, "done")
        return "ok"

    job = (Job(busy, "Busy")
           .with_progress(lambda f, m: received.append((time.monotonic(), f, m, on_gui_thread())))
           .run(runner))
    qtbot.waitUntil(lambda: job.done, timeout=10000)
    assert job.state is JobState.SUCCEEDED
    assert 2 <= len(received) <= 0.6 / PROGRESS_INTERVAL_S + 2, len(received)
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(received)]
    assert min(gaps) >= PROGRESS_INTERVAL_S - 0.002, gaps
    assert all(r[3] for r in received)
    fractions = [r[1] for r in received]
    assert fractions == sorted(fractions)
    assert (job.fraction, job.message) == (1.0, "done")


def test_a_trailing_progress_value_is_delivered(runner: JobRunner, qtbot: Any) -> None:
    release = threading.Event()
    received: list[str] = []

    def two_steps(ctx: JobContext) -> None:
        ctx.report(0.1, "reading")
        ctx.report(0.2, "tokenising")  # within 100 ms of the first: held back, not lost
        release.wait(5)

    job = Job(two_steps).with_progress(lambda f, m: received.append(m)).run(runner)
    qtbot.waitUntil(lambda: received[-1:] == ["tokenising"], timeout=3000)
    release.set()
    qtbot.waitUntil(lambda: job.done, timeout=5000)
    assert received[0] in ("reading", "tokenising")


def test_shutdown_cancels_and_waits_so_no_thread_outlives_the_runner(qapp: Any) -> None:
    before = {t for t in threading.enumerate() if not t.daemon}
    runner = JobRunner()
    started, stopped = threading.Event(), threading.Event()

    def endless(ctx: JobContext) -> None:
        started.set()
        try:
            while True:
                ctx.check()
                time.sleep(0.01)
        finally:
            stopped.set()

    job = Job(endless, "Endless").run(runner)
    assert started.wait(5)
    assert runner.shutdown(10) is True
    assert stopped.is_set() and job.cancel_requested
    assert runner.running() == []
    after = {t for t in threading.enumerate() if not t.daemon and t.is_alive()}
    assert after <= before


def test_a_job_runs_once(runner: JobRunner, qtbot: Any) -> None:
    job = Job(lambda ctx: None).run(runner)
    with pytest.raises(RuntimeError, match="already started"):
        job.run(runner)
    qtbot.waitUntil(lambda: job.done, timeout=5000)


def test_the_runner_lists_running_jobs_with_progress(runner: JobRunner, qtbot: Any) -> None:
    release = threading.Event()

    def halfway(ctx: JobContext) -> None:
        ctx.report(0.5, "halfway there")
        release.wait(5)

    job = Job(halfway, "Freezing dataset").run(runner)
    qtbot.waitUntil(lambda: job.message == "halfway there", timeout=3000)
    assert [(j.name, j.fraction) for j in runner.running()] == [("Freezing dataset", 0.5)]
    release.set()
    qtbot.waitUntil(lambda: not runner.running(), timeout=5000)


def test_a_job_that_ends_after_its_runner_was_deleted_does_not_raise(qapp: Any, qtbot: Any) -> None:
    """Closing the window deletes the runner's C++ object while a job may still be running; the job's
    end must then be delivered without touching the deleted runner (it raised 'Signal source has been
    deleted' in the Qt event loop, which pytest-qt turns into a failure)."""
    from shiboken6 import delete

    release = threading.Event()
    finished: list[Job[int]] = []

    def slow(ctx: JobContext) -> int:
        release.wait(10)
        return 1

    runner = JobRunner()
    job = Job(slow, "Outlives its runner").on_finished(finished.append).run(runner)
    threading.Timer(0.2, release.set).start()
    delete(runner)  # its thread pool waits for the job; the job's end is then delivered by the event loop
    qtbot.waitUntil(lambda: bool(finished), timeout=5000)
    assert job.state is JobState.SUCCEEDED and job.result == 1
