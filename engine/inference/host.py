"""The inference process: llama.cpp runs here, never in the GUI, the CLI or an evaluation job.

Started by ``engine.inference.runtime.LoadedModel`` (and by the self-test) as
``python -m engine.inference.host IN_FD OUT_FD``. Requests and replies are pickled tuples
on two pipes (``multiprocessing.connection`` framing); native output goes to stderr, which
the parent keeps in a log file, so nothing native can corrupt the protocol.

Requests: ``(op, kwargs)``. The first is ``load`` (a ``LoadSpec``), or ``scores`` before any
load. ``score_many`` and ``generate_many`` decode several inputs together
(``engine.inference.batched``). Replies: ``("ok", value, evaluated)``, ``("error", kind, message)``; ``stream`` sends
``("piece", text)`` for each batch of pieces (the first at once, then every
``STREAM_FLUSH_S``) and ``("done", evaluated)`` at the end, and stops early
when a ``("stop", {})`` arrives between two pieces.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

FAULT_ENV = "AIRLOCK_TEST_INFERENCE_FAULT"  # tests only: simulate a native crash, hang or garbage
# Pieces generated within this many seconds of the last one sent travel together: the first piece
# goes at once, then at most ~40 messages a second, so the caller wakes (and takes a CPU from
# llama.cpp's threads) once per batch rather than once per token.
STREAM_FLUSH_S = 0.025


@dataclass(frozen=True)
class LoadSpec:
    path: str
    n_ctx: int
    n_threads: int
    lora_path: str | None
    variant: str | None
    extra_bufts: bool


class _Host:
    def __init__(self, conn_in: Connection, conn_out: Connection) -> None:
        self.conn_in, self.conn_out = conn_in, conn_out
        self.model: Any = None
        self.spec: LoadSpec | None = None
        self.grammars: dict[str, Any] = {}

    def serve(self) -> None:
        while True:
            try:
                op, kwargs = self.conn_in.recv()
            except EOFError:
                return
            if op == "stop":
                continue  # a stop that crossed the end of its stream: nothing left to stop
            _maybe_fault(op, kwargs.get("spec") if op == "load" else self.spec)
            try:
                if op == "stream":
                    self._stream(**kwargs)
                    continue
                value = self._dispatch(op, kwargs)
                evaluated = int(getattr(self.model, "last_evaluated", 0))
                self.conn_out.send(("ok", value, evaluated))
            except Exception as exc:  # reported to the caller, who raises it there
                self.conn_out.send(("error", type(exc).__name__, str(exc)))
            if op == "close":
                return

    def _dispatch(self, op: str, kwargs: dict[str, Any]) -> Any:
        if op == "scores":
            from engine.inference.native import variant_scores

            return variant_scores()
        if op == "load":
            return self._load(kwargs["spec"])
        if op == "quantize":
            from engine.models.export import quantize_here

            quantize_here(Path(kwargs["source"]), Path(kwargs["target"]), kwargs["level"], kwargs["threads"])
            return None
        if op == "close":
            if self.model is not None:
                self.model.close()
            return None
        if self.model is None:
            raise RuntimeError("no model is loaded in the inference process")
        if op == "probe":
            return self._probe(kwargs["text"])
        if op in ("tokenize", "score", "token_logprobs", "feed_prompt", "generate", "logits", "score_many",
                  "answer_details"):
            return getattr(self.model, op)(**kwargs)
        if op == "generate_many":
            schema = kwargs.pop("schema")
            return self.model.generate_many(grammar=self._grammar(schema) if schema else None, **kwargs)
        raise RuntimeError(f"unknown inference request {op!r}")

    def _load(self, spec: LoadSpec) -> dict[str, Any]:
        from engine.hardware import describe_offload, plan_gpu_offload
        from engine.inference.native import build_info, load_cpu_backend, load_gpu_backend
        from engine.inference.native_model import NativeModel, use_extra_buffer_types
        from engine.models.gguf_file import read_gguf

        backend = load_cpu_backend(spec.variant)
        gpu = load_gpu_backend()
        use_extra_buffer_types(spec.extra_bufts)
        n_layers = read_gguf(Path(spec.path)).shape.get("num_layers", 0)
        layers = plan_gpu_offload(Path(spec.path).stat().st_size, n_layers, gpu.free_bytes)
        started = time.perf_counter()
        self.model = NativeModel(Path(spec.path), n_ctx=spec.n_ctx, n_threads=spec.n_threads,
                                 lora_path=Path(spec.lora_path) if spec.lora_path else None, gpu_layers=layers)
        self.spec = spec
        return {"variant": backend.variant, "system_info": build_info(), "pid": os.getpid(),
                "load_s": time.perf_counter() - started, "gpu": gpu.note,
                "offload": describe_offload(layers, n_layers, gpu.device)}

    def _probe(self, text: str) -> list[int]:
        """Teacher-forced next-token argmax at every position of ``text`` (for the self-test)."""
        import numpy as np

        tokens = self.model.tokenize(text, add_bos=True)
        self.model.feed_prompt(tokens, fresh_from=0)
        scores = np.asarray(self.model.llm.scores[: len(tokens)], dtype=np.float64)
        if _garbage_fault(self.spec):
            scores = np.random.default_rng(0).normal(size=scores.shape)
        if not np.isfinite(scores).all():
            raise ValueError("llama.cpp returned non-finite logits")
        return [int(i) for i in scores.argmax(axis=1)]

    def _stream(self, prompt: str, max_tokens: int, stop: list[str], schema: str | None,
                temperature: float, repeat_penalty: float) -> None:
        grammar = self._grammar(schema) if schema else None
        pieces = self.model.stream(prompt, max_tokens=max_tokens, stop=stop, grammar=grammar,
                                   temperature=temperature, repeat_penalty=repeat_penalty)
        pending: list[str] = []
        last_sent = 0.0
        try:
            for piece in pieces:
                pending.append(piece)
                now = time.monotonic()
                if now - last_sent >= STREAM_FLUSH_S:
                    self.conn_out.send(("piece", "".join(pending)))
                    pending.clear()
                    last_sent = now
                if self.conn_in.poll(0):
                    op, _ = self.conn_in.recv()
                    if op == "stop":
                        break
        except Exception as exc:
            self.conn_out.send(("error", type(exc).__name__, str(exc)))
            return
        finally:
            pieces.close()
        if pending:
            self.conn_out.send(("piece", "".join(pending)))
        self.conn_out.send(("done", int(self.model.last_evaluated)))

    def _grammar(self, schema: str) -> Any:
        if schema not in self.grammars:
            from llama_cpp.llama_grammar import LlamaGrammar

            self.grammars[schema] = LlamaGrammar.from_json_schema(schema, verbose=False)
        return self.grammars[schema]


def _fault() -> dict[str, Any] | None:
    raw = os.environ.get(FAULT_ENV)
    return json.loads(raw) if raw else None


def _matches(fault: dict[str, Any], spec: LoadSpec | None) -> bool:
    if spec is None:
        return False
    if "extra_bufts" in fault and fault["extra_bufts"] != spec.extra_bufts:
        return False
    return fault.get("variant", "*") in ("*", spec.variant)


def _maybe_fault(op: str, spec: LoadSpec | None) -> None:
    """Simulate what a broken CPU path does (tests only; a CPU with such a defect cannot be had here)."""
    fault = _fault()
    if not fault or fault.get("op", "probe") != op or not _matches(fault, spec):
        return
    if fault["kind"] == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif fault["kind"] == "hang":
        time.sleep(3600)


def _garbage_fault(spec: LoadSpec | None) -> bool:
    fault = _fault()
    return bool(fault and fault["kind"] == "garbage" and _matches(fault, spec))


def main(argv: list[str]) -> int:
    from engine import offline

    offline.install_guard()
    conn_in = Connection(int(argv[0]), writable=False)
    conn_out = Connection(int(argv[1]), readable=False)
    os.dup2(2, 1)  # anything native prints goes to the log, never into the protocol
    _Host(conn_in, conn_out).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
