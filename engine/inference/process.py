"""The inference process seen from the caller: start it, exchange requests, read its death.

``engine.inference.host`` is the other end. A process that broke off (a signal, an exit) or
stopped answering within the timeout becomes an ``InferenceFailure`` saying how it died;
short-lived processes here also serve the self-test, the CPU-variant scores and quantizing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from engine.errors import AirlockError, DoesNotFit
from engine.inference.host import LoadSpec
from engine.inference.native_model import default_threads
from engine.inference.selftest import CRASH_SIGNALS, RuntimeConfig

TIMEOUT_ENV = "AIRLOCK_INFERENCE_TIMEOUT_S"
DEFAULT_TIMEOUT_S = 600.0


class InferenceFailure(AirlockError):
    """The inference process died or stopped answering. ``outcome``: crashed | hung | error."""

    def __init__(self, message: str, outcome: str) -> None:
        super().__init__(message)
        self.outcome = outcome


class InferenceCrashed(InferenceFailure):
    """Raised to the user: the runtime crashed or hung while answering; retrying restarts it."""


def request_timeout() -> float:
    return float(os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT_S)


class InferenceProcess:
    """One inference process and its two pipes; stderr goes to a log file kept for crash reports."""

    def __init__(self) -> None:
        child_in, self._to_child = os.pipe()
        self._from_child, child_out = os.pipe()
        self.log = tempfile.NamedTemporaryFile(prefix="airlock-inference-", suffix=".log", delete=False)  # noqa: SIM115
        env = dict(os.environ, PYTHONFAULTHANDLER="")
        self.proc = subprocess.Popen([sys.executable, "-m", "engine.inference.host", str(child_in), str(child_out)],
                                     pass_fds=(child_in, child_out), stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log, env=env, close_fds=True)
        os.close(child_in)
        os.close(child_out)
        self.send_conn = Connection(self._to_child, readable=False)
        self.recv_conn = Connection(self._from_child, writable=False)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def send(self, op: str, **kwargs: Any) -> None:
        self.send_conn.send((op, kwargs))

    def receive(self, timeout: float) -> Any:
        if not self.recv_conn.poll(timeout):
            raise TimeoutError
        return self.recv_conn.recv()

    def log_tail(self, chars: int = 400) -> str:
        try:
            text = Path(self.log.name).read_text(errors="replace")
        except OSError:
            return ""
        return " ".join(text[-chars:].split())

    def stop(self) -> int | None:
        """End the process (politely if it is alive); the exit code, negative for a signal."""
        for conn in (self.send_conn, self.recv_conn):
            conn.close()
        try:
            return self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
        finally:
            self.log.close()
            Path(self.log.name).unlink(missing_ok=True)


def failure(proc: InferenceProcess, hung: bool) -> InferenceFailure:
    """How a process that broke off or stopped answering died, as an error."""
    if hung:
        proc.proc.kill()
    try:
        code = proc.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.proc.kill()
        code = proc.proc.wait()
    tail = proc.log_tail()
    if hung:
        return InferenceFailure(f"the inference runtime stopped answering for {request_timeout():.0f} s "
                                "and was stopped", "hung")
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        detail = f" ({tail})" if tail and name in CRASH_SIGNALS else ""
        return InferenceFailure(f"the inference runtime was killed by {name}{detail}",
                                "crashed" if name in CRASH_SIGNALS else "killed")
    return InferenceFailure(f"the inference runtime exited with code {code}" + (f" ({tail})" if tail else ""),
                            "crashed")


def exchange(proc: InferenceProcess, op: str, timeout: float, **kwargs: Any) -> tuple[Any, int]:
    """Send one request and wait for its reply; a dead or silent process raises InferenceFailure."""
    try:
        proc.send(op, **kwargs)
        reply = proc.receive(timeout)
    except TimeoutError:
        raise failure(proc, hung=True) from None
    except (EOFError, OSError):
        raise failure(proc, hung=False) from None
    if reply[0] == "error":
        kinds: dict[str, type[Exception]] = {"AirlockError": AirlockError, "DoesNotFit": DoesNotFit}
        raise kinds.get(reply[1], ValueError)(reply[2])
    return reply[1], int(reply[2])


def load_spec(path: Path, n_ctx: int, n_threads: int | None, lora: Path | None, config: RuntimeConfig) -> LoadSpec:
    threads = n_threads or config.threads or default_threads()
    return LoadSpec(str(path), n_ctx, threads, str(lora) if lora else None, config.variant or None,
                    config.extra_bufts)


def probe_process(model: Path, config: RuntimeConfig, text: str, timeout: float) -> list[int]:
    """Self-test one configuration in a fresh process: load ``model`` and probe ``text``."""
    proc = InferenceProcess()
    try:
        exchange(proc, "load", timeout, spec=load_spec(model, 256, None, None, config))
        tokens, _ = exchange(proc, "probe", timeout, text=text)
        exchange(proc, "close", timeout)
        return list(tokens)
    except (AirlockError, ValueError) as exc:
        if isinstance(exc, InferenceFailure):
            raise
        raise InferenceFailure(str(exc), "error") from exc
    finally:
        proc.stop()


def variant_scores_in_child(timeout: float) -> dict[str, int]:
    proc = InferenceProcess()
    try:
        scores, _ = exchange(proc, "scores", timeout)
        return dict(scores)
    finally:
        proc.stop()


def quantize_in_child(source: Path, target: Path, level: str, threads: int) -> None:
    """Quantize a GGUF in an inference process, so a native crash is an error, not a dead caller."""
    proc = InferenceProcess()
    try:
        exchange(proc, "quantize", request_timeout(), source=str(source), target=str(target), level=level,
                  threads=threads)
    except InferenceFailure as exc:
        raise AirlockError(f"quantizing {source.name} to {level} failed: {exc}") from exc
    finally:
        proc.stop()


