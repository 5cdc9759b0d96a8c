"""Greedy generation for several prompts at once (``engine.inference.batched``'s context).

Every prompt gets one sequence, forked from the shared prefix; their own tokens are decoded
together, then each step decodes the last token of every sequence still running in one
``llama_decode``. A sequence ends at an end-of-generation token, at ``max_tokens`` or at a
stop string, and leaves the batch; the others go on.

Choosing a token is greedy: the highest logit. Under a grammar (the task's JSON schema) each
sequence has its own grammar state, and the choice is the highest logit among the tokens the
grammar allows, exactly what ``Llama.create_completion(temperature=0, grammar=...)`` picks.
Checking all ~50k tokens against the grammar costs milliseconds a step, so the unconstrained
best token is checked alone first; only when the grammar rejects it is the whole vocabulary
masked. Both give the same token: if the best token is allowed, it is also the best allowed
one (ties go to the lowest id either way).
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.inference.batched import Entry, MultiSequence, shared_prefix
from engine.inference.native_model import _log_softmax_at

# llama_token_data as numpy sees it, so candidate arrays are filled without a Python loop
TOKEN_DATA = np.dtype([("id", "<i4"), ("logit", "<f4"), ("p", "<f4")])


@dataclass
class _Running:
    seq: int
    pos: int
    grammar: Any  # this sequence's llama.cpp grammar sampler, or None
    tokens: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)  # each token's, unconstrained
    text: str = ""
    done: bool = False
    evaluated: int = 0  # answer tokens decoded into the sequence


@dataclass(frozen=True)
class Generated:
    """One prompt's completion: its text, the tokens (prompt and answer) it used, the answer's tokens
    and the unconstrained log-probability of each (what an extraction's confidence reads)."""

    text: str
    used: int
    tokens: list[int]
    logprobs: list[float]


def generate_prompts(ms: MultiSequence, llm: Any, prompts: Sequence[list[int]], max_tokens: int,
                     stop: Sequence[str] = (), grammar: Any = None, wave: int | None = None
                     ) -> list[Generated]:
    """Each prompt's greedy completion. Each sequence is kept afterwards holding its prompt and the
    answer tokens decoded into it (an extraction scores its fields right after them)."""
    lib = ms.lib
    prefix = shared_prefix(prompts)
    ms.hold_prefix(prompts[0][:prefix] if prompts else [])
    results: list[Generated] = [Generated("", 0, [], [])] * len(prompts)
    needs = [(len(p) - prefix + max_tokens, 1) for p in prompts]
    for run in ms.waves(needs, prefix, wave):
        seqs = ms.unkept_first(len(run))  # the answers of earlier runs stay kept while there is room
        running = {i: _Running(s, len(prompts[i]), _grammar(lib, ms, grammar)) for s, i in zip(seqs, run, strict=True)}
        try:
            _run_wave(ms, llm, prompts, prefix, running, max_tokens, stop)
        except BaseException:
            ms.reset()
            raise
        finally:
            for r in running.values():
                if r.grammar is not None:
                    lib.llama_sampler_free(r.grammar)
        for i, r in running.items():
            ms.keep(r.seq, prompts[i] + r.tokens[:r.evaluated])
            results[i] = Generated(r.text, len(prompts[i]) + len(r.tokens), r.tokens, r.logprobs)
    return results


def _grammar(lib: Any, ms: MultiSequence, grammar: Any) -> Any:
    if grammar is None:
        return None
    return lib.llama_sampler_init_grammar(ms.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8"))


class GreedyChooser:
    """The greedy token of a logits row, optionally among the tokens a grammar allows."""

    def __init__(self, lib: Any, n_vocab: int) -> None:
        self.lib = lib
        self.all = np.zeros(n_vocab, dtype=TOKEN_DATA)
        self.all["id"] = np.arange(n_vocab, dtype=np.int32)
        self.one = np.zeros(1, dtype=TOKEN_DATA)
        self.full_checks = 0  # how often the best token was rejected (tests and benches read it)

    def choose(self, row: Any, grammar: Any) -> int:
        token = int(np.argmax(row))
        if grammar is None:
            return token
        self.one["id"], self.one["logit"] = token, row[token]
        self._apply(grammar, self.one)
        if not np.isfinite(self.one["logit"][0]):
            self.full_checks += 1
            self.all["logit"] = row
            self._apply(grammar, self.all)
            token = int(np.argmax(self.all["logit"]))
        self.lib.llama_sampler_accept(grammar, token)
        return token

    def _apply(self, grammar: Any, data: Any) -> None:
        lib = self.lib
        arr = lib.llama_token_data_array(data.ctypes.data_as(lib.llama_token_data_p), len(data), -1, False)
        lib.llama_sampler_apply(grammar, ctypes.byref(arr))


def _run_wave(ms: MultiSequence, llm: Any, prompts: Sequence[list[int]], prefix: int,
              running: dict[int, _Running], max_tokens: int, stop: Sequence[str]) -> None:
    lib = ms.lib
    ms.fork([r.seq for r in running.values()])
    chooser = GreedyChooser(lib, ms.n_vocab)

    def take(i: int, at: int) -> None:
        r = running[i]
        token = chooser.choose(ms.logits_at(at), r.grammar)
        if lib.llama_vocab_is_eog(ms.vocab, token):
            r.done = True
            return
        r.tokens.append(token)
        r.logprobs.append(_log_softmax_at(ms.logits_at(at), token))
        r.text = llm.detokenize(r.tokens).decode("utf-8", errors="ignore")
        cut = min((r.text.index(s) for s in stop if s and s in r.text), default=-1)
        if cut >= 0:
            r.text, r.done = r.text[:cut], True
        elif len(r.tokens) >= max_tokens:
            r.done = True

    entries: list[Entry] = []
    for i, r in running.items():
        own = prompts[i][prefix:]
        entries += [(t, prefix + j, (r.seq,), i if j == len(own) - 1 else None) for j, t in enumerate(own)]
    ms.decode(entries, take)
    while True:
        live = [(i, r) for i, r in running.items() if not r.done]
        if not live:
            return
        step: list[Entry] = []
        for i, r in live:
            step.append((r.tokens[-1], r.pos, (r.seq,), i))
            r.pos += 1
            r.evaluated += 1
        ms.decode(step, take)
