"""A GGUF model loaded in llama.cpp in its own inference process.

``LoadedModel`` has the methods the console, evaluation and export use (tokenize, score,
stream, token_logprobs, generate, logits); each is one request to the inference process
(``engine.inference.host``). When that process segfaults, aborts, is killed or hangs, the
caller gets an ``InferenceCrashed`` (one clear line), the crash is recorded for the machine
(a configuration that crashed is never used again here), and the next call starts a fresh
process with the safe settings and loads the model again: the caller simply tries again.
The window, the CLI and the job that asked never die with it.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from engine.inference.process import (
    InferenceCrashed,
    InferenceFailure,
    InferenceProcess,
    exchange,
    failure,
    load_spec,
    request_timeout,
)
from engine.inference.selftest import RuntimeConfig, config_to_use, record_crash
from engine.models.gguf_file import read_gguf

BATCH_INPUTS = 8  # inputs callers hand to score_many/generate_many at once (batch jobs, evaluation)

CrashListener = Callable[[InferenceCrashed], None]
_listeners: list[CrashListener] = []


def on_crash(listener: CrashListener) -> None:
    """Be told of every crash (the console records it in the workspace's audit log)."""
    _listeners.append(listener)


_PLACEMENT: dict[str, str] = {}  # where the model loaded last in this process runs


def _remember_placement(path: Path, backend: dict[str, Any]) -> None:
    _PLACEMENT.clear()
    _PLACEMENT.update(model=path.name, offload=str(backend.get("offload") or "CPU"),
                      gpu=str(backend.get("gpu") or ""))


def last_placement() -> dict[str, str]:
    """Where the most recently loaded model runs ({"model", "offload", "gpu"}; empty before any load):
    the inference process's own report (CPU, or how many layers went to which GPU, and why not)."""
    return dict(_PLACEMENT)


@dataclass(frozen=True)
class Answer:
    """A generated answer: its text, the tokens (prompt and answer) it used, the answer's tokens,
    the byte offset in the text where each ends, and each one's unconstrained log-probability."""

    text: str
    used: int
    tokens: list[int]
    ends: list[int]
    logprobs: list[float]

    @staticmethod
    def of(d: dict[str, Any]) -> Answer:
        return Answer(str(d["text"]), int(d["used"]), [int(t) for t in d["tokens"]], [int(e) for e in d["ends"]],
                      [float(x) for x in d["logprobs"]])


class LoadedModel:
    """A GGUF file checked with ``read_gguf`` here, then loaded in an inference process."""

    def __init__(self, path: Path, n_ctx: int = 2048, n_threads: int | None = None,
                 lora_path: Path | None = None) -> None:
        self.path = Path(path)
        self.info = read_gguf(self.path)  # refuses a damaged file before llama.cpp sees it
        self.lora_path = Path(lora_path) if lora_path is not None else None
        if self.lora_path is not None:
            read_gguf(self.lora_path)
        self.n_ctx, self.n_threads = n_ctx, n_threads
        self.last_evaluated = 0
        self.config: RuntimeConfig | None = None
        self.backend: dict[str, Any] = {}
        self._proc: InferenceProcess | None = None
        self._lock = threading.RLock()
        self._start()

    # -- the process -------------------------------------------------------------------------
    def _start(self) -> InferenceProcess:
        if self._proc is None:
            self.config = config_to_use()
            proc = InferenceProcess()
            spec = load_spec(self.path, self.n_ctx, self.n_threads, self.lora_path, self.config)
            try:
                self.backend, _ = exchange(proc, "load", request_timeout(), spec=spec)
                _remember_placement(self.path, self.backend)
            except InferenceFailure as exc:
                proc.stop()
                self._crashed(exc, "loading the model")
            except BaseException:
                proc.stop()
                raise
            self._proc = proc
        return self._proc

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _crashed(self, exc: InferenceFailure, doing: str) -> NoReturn:
        """Record the death, forget the process and raise the one-line error for the user."""
        if self._proc is not None:
            self._proc.stop()
            self._proc = None
        safe = cause = ""
        if exc.outcome == "crashed" and self.config is not None:  # a slow or killed process says nothing
            # about the settings; a native crash may: they are self-tested again
            nxt = record_crash(self.config, f"{exc.outcome}-in-use", str(exc))
            if nxt is not None and nxt != self.config:
                safe = f" with safe settings ({nxt.label()})"
            elif nxt == self.config:
                cause = "; its settings passed a fresh self-test, so the model file or this input is the likelier cause"
        how = str(exc).removeprefix("the inference runtime ")
        verb = {"hung": "stopped answering", "killed": "was stopped"}.get(exc.outcome, "crashed")
        err = InferenceCrashed(f"the inference runtime {verb} while {doing} ({how}){cause}; "
                               f"it restarts{safe} on the next try — try again", exc.outcome)
        for listener in list(_listeners):
            listener(err)
        raise err from exc

    def _call(self, op: str, doing: str, **kwargs: Any) -> Any:
        with self._lock:
            proc = self._start()
            try:
                value, self.last_evaluated = exchange(proc, op, request_timeout(), **kwargs)
            except InferenceFailure as exc:
                self._crashed(exc, doing)
            return value

    def close(self) -> None:
        with self._lock:
            if self._proc is not None:
                with contextlib.suppress(Exception):  # closing a dead process: nothing left to release
                    exchange(self._proc, "close", 30.0)
                self._proc.stop()
                self._proc = None

    def __enter__(self) -> LoadedModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what callers ask ------------------------------------------------------------------------
    def tokenize(self, text: str, add_bos: bool) -> list[int]:
        return list(self._call("tokenize", "reading the input", text=text, add_bos=add_bos))

    def feed_prompt(self, tokens: Sequence[int], fresh_from: int | None = None) -> int:
        return int(self._call("feed_prompt", "reading the input", tokens=list(tokens), fresh_from=fresh_from))

    def score(self, prompt_tokens: Sequence[int], candidates: Sequence[Sequence[int]]) -> list[float]:
        """Log-probability of each candidate continuation after the prompt (unconstrained)."""
        return list(self._call("score", "answering", prompt_tokens=list(prompt_tokens),
                               candidates=[list(c) for c in candidates]))

    def token_logprobs(self, prompt_tokens: Sequence[int], answer_tokens: Sequence[int]) -> list[float]:
        return list(self._call("token_logprobs", "answering", prompt_tokens=list(prompt_tokens),
                               answer_tokens=list(answer_tokens)))

    def generate(self, prompt: str, max_tokens: int = 256, stop: Sequence[str] = ()) -> tuple[str, int]:
        """Greedy completion in one piece, and the total tokens (prompt and answer) it used."""
        text, total = self._call("generate", "answering", prompt=prompt, max_tokens=max_tokens, stop=list(stop))
        return str(text), int(total)

    def score_many(self, groups: Sequence[tuple[Sequence[int], Sequence[tuple[Sequence[int], Sequence[int]]]]],
                   wave: int | None = None) -> list[list[list[float]]]:
        """Several inputs scored together: for each (prompt tokens, [(tail, candidate), ...]) the
        log-probability of every candidate token after prompt + tail + the candidate tokens before it."""
        wire = [(list(p), [(list(t), list(c)) for t, c in branches]) for p, branches in groups]
        return [[list(c) for c in g] for g in self._call("score_many", "answering", groups=wire, wave=wave)]

    def generate_many(self, prompts: Sequence[str], max_tokens: int = 256, stop: Sequence[str] = (),
                      schema: dict[str, Any] | None = None, wave: int | None = None) -> list[tuple[str, int]]:
        """Greedy completions of several prompts decoded together (under ``schema`` when given),
        each with the tokens (prompt and answer) it used; the same answers as ``stream``/``generate``.
        ``wave`` caps how many run at once (at most the context's sequences)."""
        return [(a.text, a.used) for a in self.generate_answers(prompts, max_tokens, stop, schema, wave)]

    def generate_answers(self, prompts: Sequence[str], max_tokens: int = 256, stop: Sequence[str] = (),
                         schema: dict[str, Any] | None = None, wave: int | None = None) -> list[Answer]:
        """``generate_many`` with each answer's tokens and their log-probabilities."""
        out = self._call("generate_many", "answering", prompts=list(prompts), max_tokens=max_tokens,
                         stop=list(stop), schema=json.dumps(schema) if schema is not None else None, wave=wave,
                         details=True)
        return [Answer.of(d) for d in out]

    def answer_details(self, prompt_tokens: Sequence[int], text: str) -> Answer:
        """The answer the last ``stream`` after ``prompt_tokens`` wrote (``text``), as an ``Answer``."""
        return Answer.of(self._call("answer_details", "answering", prompt_tokens=list(prompt_tokens), text=text))

    def logits(self, tokens: Sequence[int]) -> list[float]:
        """Raw next-token logits after ``tokens``."""
        return list(self._call("logits", "answering", tokens=list(tokens)))

    def complete(self, prompt: str, max_tokens: int = 32) -> str:
        return "".join(self.stream(prompt, max_tokens=max_tokens))

    def stream(self, prompt: str, max_tokens: int = 256, stop: Sequence[str] = (),
               schema: dict[str, Any] | None = None, temperature: float = 0.0,
               repeat_penalty: float = 1.0) -> Generator[str, None, None]:
        """Generated text piece by piece (greedy by default), constrained to ``schema`` (a JSON
        Schema) when given. Closing the generator stops generation in the inference process."""
        with self._lock:
            proc = self._start()
            self.last_evaluated = 0
            finished = False
            try:
                proc.send("stream", prompt=prompt, max_tokens=max_tokens, stop=list(stop),
                          schema=json.dumps(schema) if schema is not None else None,
                          temperature=temperature, repeat_penalty=repeat_penalty)
                while True:
                    kind, *rest = self._receive(proc)
                    if kind == "piece":
                        yield str(rest[0])
                    elif kind == "done":
                        self.last_evaluated = int(rest[0])
                        finished = True
                        return
                    else:
                        finished = True
                        raise ValueError(rest[1])
            finally:
                if not finished and self._proc is proc:
                    self._stop_stream(proc)

    def _receive(self, proc: InferenceProcess) -> Any:
        try:
            return proc.receive(request_timeout())
        except TimeoutError:
            self._crashed(failure(proc, hung=True), "answering")
        except (EOFError, OSError):
            self._crashed(failure(proc, hung=False), "answering")

    def _stop_stream(self, proc: InferenceProcess) -> None:
        """The caller stopped reading: tell the process, and drain what it sent until it stopped."""
        try:
            proc.send("stop")
            while True:
                kind, *rest = self._receive(proc)
                if kind == "done":
                    self.last_evaluated = int(rest[0])
                    return
                if kind == "error":
                    return
        except InferenceCrashed:
            return
