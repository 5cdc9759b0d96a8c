"""One GGUF model loaded in llama.cpp in *this* process, with prefix reuse and candidate scoring.

Only the inference process (``engine.inference.host``) builds a ``NativeModel``; everyone else
uses ``engine.inference.runtime.LoadedModel``, which talks to that process, so a crash in
native code never takes the caller down."""

from __future__ import annotations

import math
import os
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

from engine.models.gguf_file import read_gguf


def default_threads() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def use_extra_buffer_types(enabled: bool) -> None:
    """Whether llama.cpp may repack weights into its extra buffer types (the AMX and other
    repacked-kernel paths) for every model this process loads. llama-cpp-python has no
    argument for it, so the default model parameters it starts from are adjusted."""
    import llama_cpp.llama_cpp as lib

    original = getattr(lib, "_airlock_default_model_params", lib.llama_model_default_params)
    setattr(lib, "_airlock_default_model_params", original)  # noqa: B010

    def default_params() -> Any:
        params = original()
        params.use_extra_bufts = enabled
        return params

    lib.llama_model_default_params = default_params


def _log_softmax_at(logits: Any, index: int) -> float:
    import numpy as np

    row = np.asarray(logits, dtype=np.float64)
    top = float(row.max())
    return float(row[index] - top - math.log(float(np.exp(row - top).sum())))


class NativeModel:
    """A GGUF file checked with ``read_gguf`` and loaded with logits for every position."""

    def __init__(self, path: Path, n_ctx: int = 2048, n_threads: int | None = None,
                 lora_path: Path | None = None, batch_ctx: int = 1024, batch_seqs: int = 16,
                 gpu_layers: int = 0) -> None:
        self.path = Path(path)
        self.info = read_gguf(self.path)  # refuses a damaged file before llama.cpp sees it
        if lora_path is not None:
            read_gguf(Path(lora_path))
        from llama_cpp import Llama

        threads = n_threads or default_threads()
        self.llm = Llama(model_path=str(self.path), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads,
                         logits_all=True, verbose=False, seed=0, n_gpu_layers=gpu_layers,
                         lora_path=str(lora_path) if lora_path is not None else None)
        self.last_evaluated = 0
        self.threads, self.batch_ctx, self.batch_seqs = threads, batch_ctx, batch_seqs
        self._multi: Any = None  # the multi-sequence context, made on the first batched request
        self._steps = _StepLogprobs()  # the last stream's

    def close(self) -> None:
        if self._multi is not None:
            self._multi.close()
            self._multi = None
        self.llm.close()

    def _batching(self) -> Any:
        from engine.inference.batched import MultiSequence

        if self._multi is None:
            self._multi = MultiSequence(self.llm, self.batch_ctx, self.batch_seqs + 1, self.threads)
        self._multi.evaluated = 0
        return self._multi

    def score_many(self, groups: Sequence[tuple[Sequence[int], Sequence[tuple[Sequence[int], Sequence[int]]]]],
                   wave: int | None = None) -> list[list[list[float]]]:
        """Per-token log-probabilities of candidates after several prompts, decoded together:
        ``groups`` holds (prompt tokens, [(tail tokens, candidate tokens), ...]) for each input."""
        from engine.inference.batched import Branch, Group, score_groups

        ms = self._batching()
        result = score_groups(ms, [Group(list(p), [Branch(list(t), list(c)) for t, c in branches])
                                   for p, branches in groups], wave)
        self.last_evaluated = ms.evaluated
        return result

    def generate_many(self, prompts: Sequence[str], max_tokens: int = 256, stop: Sequence[str] = (),
                      grammar: Any = None, wave: int | None = None, details: bool = False) -> list[Any]:
        """Greedy completions of several prompts, decoded together (optionally under ``grammar``):
        (text, tokens used) each, or with ``details`` also the answer's tokens, where each ends in
        the text (bytes) and its unconstrained log-probability (``answer_details``)."""
        from engine.inference.batched_generate import generate_prompts

        ms = self._batching()
        tokens = [self.tokenize(p, add_bos=True) for p in prompts]
        result = generate_prompts(ms, self.llm, tokens, max_tokens, stop, grammar, wave)
        self.last_evaluated = ms.evaluated
        if details:
            return [self._details(g.text, g.used, g.tokens, g.logprobs) for g in result]
        return [(g.text, g.used) for g in result]

    def answer_details(self, prompt_tokens: Sequence[int], text: str) -> dict[str, Any]:
        """The last ``stream``'s answer after ``prompt_tokens`` as ``generate_many(details=True)``
        gives it: the answer tokens the cache holds and their log-probabilities as generated."""
        n = len(prompt_tokens)
        held = list(self.llm.input_ids[: self.llm.n_tokens])
        answer = held[n:] if held[:n] == list(prompt_tokens) else []
        logprobs = self._steps.values[: len(answer)]
        self.last_evaluated = 0
        if len(logprobs) < len(answer):  # not what the last stream recorded: score it again
            logprobs = self.token_logprobs(prompt_tokens, answer)
        return self._details(text, n + len(answer), answer, logprobs)

    def _details(self, text: str, used: int, tokens: list[int], logprobs: list[float]) -> dict[str, Any]:
        ends, at = [], 0
        for t in tokens:  # the pieces add up to the answer's bytes (it does not start with BOS)
            at += len(self.llm.detokenize([t]))
            ends.append(at)
        return {"text": text, "used": used, "tokens": list(tokens), "ends": ends, "logprobs": list(logprobs)}

    def __enter__(self) -> NativeModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def tokenize(self, text: str, add_bos: bool) -> list[int]:
        return list(self.llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True))

    def feed_prompt(self, tokens: Sequence[int], fresh_from: int | None = None) -> int:
        """Evaluate ``tokens``, reusing the longest prefix already in the KV cache, but evaluating at
        least the last token and everything from ``fresh_from`` on (whose logits the caller reads:
        the cache may hold those positions from a generation that kept no logits).
        Returns how many tokens were actually evaluated."""
        cached = list(self.llm.input_ids[: self.llm.n_tokens])
        common = 0
        for a, b in zip(cached, tokens, strict=False):
            if a != b:
                break
            common += 1
        common = min(common, len(tokens) - 1, len(tokens) if fresh_from is None else fresh_from)
        self.llm.n_tokens = common
        self.llm.eval(list(tokens[common:]))
        return len(tokens) - common

    def score(self, prompt_tokens: Sequence[int], candidates: Sequence[Sequence[int]]) -> list[float]:
        """Log-probability of each candidate continuation after the prompt (unconstrained)."""
        self.last_evaluated = self.feed_prompt(prompt_tokens)
        n = len(prompt_tokens)
        first = self.llm.scores[n - 1].copy()
        results = []
        for cand in candidates:
            total = _log_softmax_at(first, cand[0])
            if len(cand) > 1:
                self.llm.n_tokens = n
                self.llm.eval(list(cand))
                self.last_evaluated += len(cand)
                for i in range(1, len(cand)):
                    total += _log_softmax_at(self.llm.scores[n + i - 1], cand[i])
            results.append(total)
        self.llm.n_tokens = n
        return results

    def generate(self, prompt: str, max_tokens: int = 256, stop: Sequence[str] = ()) -> tuple[str, int]:
        """Greedy completion in one piece, and the total tokens (prompt and answer) it used."""
        self.llm._logits_all = False
        try:
            out: Any = self.llm.create_completion(prompt, max_tokens=max_tokens, temperature=0.0,
                                                  stop=list(stop) or None, stream=False)
        finally:
            self.llm._logits_all = True
        usage = out.get("usage") or {}
        return str(out["choices"][0]["text"]), int(usage.get("total_tokens", 0))

    def logits(self, tokens: Sequence[int]) -> list[float]:
        """The raw next-token logits after ``tokens`` (for numerical checks)."""
        self.last_evaluated = self.feed_prompt(tokens)
        return [float(x) for x in self.llm.scores[len(tokens) - 1]]

    def stream(self, prompt: str, max_tokens: int = 256, stop: Sequence[str] = (), grammar: Any = None,
               temperature: float = 0.0, repeat_penalty: float = 1.0) -> Generator[str, None, None]:
        """Generated text piece by piece (greedy by default). Closing the generator stops generation.

        Generation keeps no per-position logits (like a plain ``Llama``); scoring turns them back on.
        The unconstrained log-probability of each generated token is recorded on the way
        (``answer_details``): it is read from the raw logits before anything masks them."""
        self.llm._logits_all = False
        self.last_evaluated = 0
        self._steps = _StepLogprobs()
        from llama_cpp import LogitsProcessorList

        try:
            chunks: Any = self.llm.create_completion(prompt, max_tokens=max_tokens, temperature=temperature,
                                                     stop=list(stop) or None, grammar=grammar, stream=True,
                                                     repeat_penalty=repeat_penalty,
                                                     logits_processor=LogitsProcessorList([self._steps]))
            for chunk in chunks:
                self.last_evaluated += 1
                text = str(chunk["choices"][0]["text"])
                if text:
                    yield text
        finally:
            self.llm._logits_all = True

    def token_logprobs(self, prompt_tokens: Sequence[int], answer_tokens: Sequence[int]) -> list[float]:
        """Unconstrained log-probability of each answer token given the prompt and the tokens before it."""
        tokens = list(prompt_tokens) + list(answer_tokens)
        self.last_evaluated = self.feed_prompt(tokens, fresh_from=len(prompt_tokens) - 1)
        n = len(prompt_tokens)
        return [_log_softmax_at(self.llm.scores[n + i - 1], tok) for i, tok in enumerate(answer_tokens)]


class _StepLogprobs:
    """A llama-cpp-python logits processor that records the unconstrained log-probability of each
    generated token: it sees each step's raw logits first in the sampler chain (before penalties
    and the grammar) and learns the token chosen from them at the next step, once it was evaluated."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self._row: Any = None

    def __call__(self, input_ids: Any, logits: Any) -> Any:
        import numpy as np

        if self._row is not None:
            self.values.append(_log_softmax_at(self._row, int(input_ids[-1])))
        self._row = np.array(logits, dtype=np.float32, copy=True)
        return logits
