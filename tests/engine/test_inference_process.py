"""llama.cpp in its own process: the self-test refuses configurations that crash, hang or answer
garbage; a crash or hang of the inference process mid-answer is one clear error, recorded, and
the next call works again; the answers are the same as llama.cpp's in-process ones."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.inference import selftest
from engine.inference.host import FAULT_ENV
from engine.inference.process import InferenceCrashed
from engine.inference.runtime import LoadedModel
from engine.paths import demo_model_path

pytestmark = pytest.mark.slow


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A machine state of the test's own, empty: the self-test runs afresh."""
    monkeypatch.setenv("AIRLOCK_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture
def demo() -> Path:
    path = demo_model_path()
    assert path is not None
    return path


def fault(monkeypatch: pytest.MonkeyPatch, **spec: object) -> None:
    monkeypatch.setenv(FAULT_ENV, json.dumps(spec))


def test_the_self_test_keeps_the_fastest_configuration_that_works(state_dir: Path) -> None:
    choice = selftest.run_selftest()
    outcomes = [r.outcome for r in choice.results]
    assert set(outcomes) <= {"ok", "crashed", "hung", "garbage"}  # a real CPU may refuse some (AMX: repacking)
    baseline = [r for r in choice.results if r.config.variant in ("x64", "") and not r.config.extra_bufts]
    assert baseline and all(r.outcome == "ok" for r in baseline)  # plain x86-64 code works everywhere
    assert choice.chosen == next(r.config for r in choice.results if r.outcome == "ok")  # the fastest that works
    assert selftest.machine_choice() == choice  # stored for the machine
    assert selftest.state_path().is_file() and str(state_dir) in str(selftest.state_path())
    assert "self-tested" in choice.describe()


def test_a_configuration_that_crashes_is_never_used(state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What an AMX Xeon does with weight repacking on (a CPU that cannot be had here): the process dies
    fault(monkeypatch, kind="segv", op="probe", extra_bufts=True)
    choice = selftest.run_selftest()
    crashed = [r for r in choice.results if r.config.extra_bufts]
    assert crashed and all(r.outcome == "crashed" and "SIGSEGV" in r.detail for r in crashed)
    assert choice.chosen is not None and not choice.chosen.extra_bufts
    assert "refused" in choice.describe() and "(crashed)" in choice.describe()


def test_a_configuration_that_hangs_or_answers_garbage_is_never_used(
        state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRLOCK_INFERENCE_TIMEOUT_S", "5")
    fault(monkeypatch, kind="hang", op="probe", extra_bufts=True)
    choice = selftest.run_selftest(timeout_s=5)
    assert {r.outcome for r in choice.results if r.config.extra_bufts} == {"hung"}
    assert choice.chosen is not None and not choice.chosen.extra_bufts
    best = choice.chosen.variant  # the fastest variant that works here
    fault(monkeypatch, kind="garbage", variant=best)
    choice = selftest.run_selftest()
    assert "garbage" in {r.outcome for r in choice.results if r.config.variant == best}
    assert choice.chosen is not None and choice.chosen.variant != best


def test_answers_match_llama_cpp_in_process(demo: Path) -> None:
    from engine.inference.native_model import NativeModel

    prompt = "The conveyor belt stopped because"
    with LoadedModel(demo, n_ctx=256) as remote:
        tokens = remote.tokenize(prompt, add_bos=True)
        remote_text = remote.complete(prompt, max_tokens=12)
        remote_logits = remote.logits(tokens)
        variant = remote.backend["variant"]
    assert variant == selftest.config_to_use().variant
    from engine.inference.native import load_cpu_backend
    from engine.inference.native_model import use_extra_buffer_types

    config = selftest.config_to_use()
    load_cpu_backend(config.variant or None)
    use_extra_buffer_types(config.extra_bufts)
    with NativeModel(demo, n_ctx=256, n_threads=config.threads) as local:  # llama.cpp in this process
        local_text = "".join(local.stream(prompt, max_tokens=12))
        local_logits = local.logits(tokens)
    assert remote_text == local_text and remote_text.strip()
    assert max(abs(a - b) for a, b in zip(remote_logits, local_logits, strict=True)) < 1e-3


def _kill_after_first_piece(model: LoadedModel, sig: signal.Signals) -> tuple[str, InferenceCrashed | None]:
    pieces, error = [], None
    try:
        for piece in model.stream("Write a long story about a factory:", max_tokens=400):
            pieces.append(piece)
            if len(pieces) == 3:
                assert model.pid is not None
                os.kill(model.pid, sig)
    except InferenceCrashed as exc:
        error = exc
    return "".join(pieces), error


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSEGV])
def test_a_process_killed_mid_answer_is_one_error_and_the_next_call_works(
        copied_machine_state: Path, demo: Path, sig: signal.Signals) -> None:
    with LoadedModel(demo, n_ctx=512) as model:
        first_pid = model.pid
        text, error = _kill_after_first_piece(model, sig)
        assert error is not None, "the stream should end with an error"
        assert text  # what came before the crash was delivered
        assert sig.name in str(error) and "try again" in str(error)
        assert model.pid is None
        # the next call restarts the process and answers
        assert model.complete("Hello", max_tokens=4)
        assert model.pid not in (None, first_pid)
    if sig is signal.SIGSEGV:  # a native crash sends the settings through the self-test again: they pass it
        choice = selftest.machine_choice()
        assert choice is not None
        assert not any(r.outcome == "crashed-in-use" for r in choice.results)
        assert "passed a fresh self-test" in str(error) and "safe settings" not in str(error)


def test_settings_that_crash_in_use_and_in_the_self_test_again_are_never_used_again(
        copied_machine_state: Path, demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = selftest.machine_choice()
    assert before is not None and before.chosen is not None
    # a CPU path that crashes on this machine (cannot be had here): the self-test's probe of these settings dies
    fault(monkeypatch, kind="segv", op="probe", variant=before.chosen.variant or "*",
          extra_bufts=before.chosen.extra_bufts)
    with LoadedModel(demo, n_ctx=512) as model:
        _text, error = _kill_after_first_piece(model, signal.SIGSEGV)
        assert error is not None and "safe settings" in str(error)
        assert "passed a fresh self-test" not in str(error)
    after = selftest.machine_choice()
    assert after is not None and after.chosen != before.chosen
    bad = [r for r in after.results if r.config == before.chosen]
    assert bad and bad[0].outcome == "crashed-in-use"


def test_a_hung_process_is_stopped_and_reported(copied_machine_state: Path, demo: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    with LoadedModel(demo, n_ctx=256) as model:
        before = selftest.machine_choice()
        assert before is not None
        monkeypatch.setenv("AIRLOCK_INFERENCE_TIMEOUT_S", "3")  # read at each request
        pid = model.pid
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)  # frozen: neither answers nor dies
        started = time.monotonic()
        with pytest.raises(InferenceCrashed, match="stopped answering"):
            model.tokenize("hello", add_bos=True)
        assert time.monotonic() - started < 30
        monkeypatch.setenv("AIRLOCK_INFERENCE_TIMEOUT_S", "600")  # a restart on a busy machine may be slow
        assert model.tokenize("hello", add_bos=True)
    choice = selftest.machine_choice()  # slowness says nothing about the settings: none marked bad
    assert choice is not None and [r.outcome for r in choice.results] == [r.outcome for r in before.results]
    assert choice.chosen == before.chosen


def test_closing_a_stream_early_stops_generation_and_keeps_the_process(demo: Path) -> None:
    with LoadedModel(demo, n_ctx=512) as model:
        pid = model.pid
        stream = model.stream("Count from one to one hundred:", max_tokens=300)
        got = [next(stream) for _ in range(3)]
        stream.close()
        assert got and model.pid == pid
        assert model.last_evaluated < 300
        assert model.complete("Hello", max_tokens=3)  # the protocol is in step after the stop


def test_one_model_is_used_from_two_threads_one_request_at_a_time(demo: Path) -> None:
    with LoadedModel(demo, n_ctx=256) as model:
        results: list[list[int]] = []

        def work() -> None:
            for _ in range(5):
                results.append(model.tokenize("the same words", add_bos=True))

        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(results) == 10 and all(r == results[0] for r in results)


@pytest.fixture
def no_model_processes_left() -> Iterator[None]:
    import psutil

    def runs_a_model(p: psutil.Process) -> bool:
        try:  # an exited, unreaped child of an earlier test (a zombie) runs nothing
            return p.status() != psutil.STATUS_ZOMBIE and "engine.inference.host" in " ".join(p.cmdline())
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            return False

    # models loaded by earlier tests of this process (the console's cache) may still be open: only
    # processes started during this test count
    before = {p.pid for p in psutil.Process().children(recursive=True) if runs_a_model(p)}
    yield
    children = [p for p in psutil.Process().children(recursive=True) if runs_a_model(p) and p.pid not in before]
    assert not children, "inference processes were left running"


def test_closing_ends_the_process(demo: Path, no_model_processes_left: None) -> None:
    model = LoadedModel(demo, n_ctx=128)
    assert model.tokenize("x", add_bos=False)
    model.close()
