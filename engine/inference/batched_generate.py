"""Greedy generation for several prompts at once (``engine.inference.batched``'s context).

Every prompt gets one sequence, forked from the shared prefix; their own tokens are decoded
together, then each step decodes the last token of every sequence still running in one
``llama_decode``. Each sequence has its own sampler chain (the grammar built from the JSON
schema, when there is one, then greedy), so a constrained answer is chosen exactly as
``Llama.create_completion(temperature=0, grammar=...)`` chooses it. A sequence ends at an
end-of-generation token, at ``max_tokens`` or at a stop string, and leaves the batch; the
others go on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.inference.batched import Entry, MultiSequence, shared_prefix


@dataclass
class _Running:
    seq: int
    pos: int
    sampler: Any
    tokens: list[int] = field(default_factory=list)
    text: str = ""
    done: bool = False


def generate_prompts(ms: MultiSequence, llm: Any, prompts: Sequence[list[int]], max_tokens: int,
                     stop: Sequence[str] = (), grammar: Any = None, wave: int | None = None
                     ) -> list[tuple[str, int]]:
    """Each prompt's greedy completion and the tokens (prompt and answer) it used."""
    lib = ms.lib
    prefix = shared_prefix(prompts)
    ms.hold_prefix(prompts[0][:prefix] if prompts else [])
    results: list[tuple[str, int]] = [("", 0)] * len(prompts)
    needs = [(len(p) - prefix + max_tokens, 1) for p in prompts]
    for run in ms.waves(needs, prefix, wave):
        running = {i: _Running(n + 1, len(prompts[i]), _sampler(lib, ms, grammar)) for n, i in enumerate(run)}
        try:
            _run_wave(ms, llm, prompts, prefix, running, max_tokens, stop)
        except BaseException:
            ms.reset()
            raise
        finally:
            for r in running.values():
                lib.llama_sampler_free(r.sampler)
        ms.drop([r.seq for r in running.values()])
        for i, r in running.items():
            results[i] = (r.text, len(prompts[i]) + len(r.tokens))
    return results


def _sampler(lib: Any, ms: MultiSequence, grammar: Any) -> Any:
    chain = lib.llama_sampler_chain_init(lib.llama_sampler_chain_default_params())
    if grammar is not None:
        lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_grammar(
            ms.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")))
    lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_greedy())
    return chain


def _run_wave(ms: MultiSequence, llm: Any, prompts: Sequence[list[int]], prefix: int,
              running: dict[int, _Running], max_tokens: int, stop: Sequence[str]) -> None:
    lib = ms.lib
    ms.fork([r.seq for r in running.values()])

    def take(i: int, at: int) -> None:
        r = running[i]
        token = int(lib.llama_sampler_sample(r.sampler, ms.ctx, at))
        if lib.llama_vocab_is_eog(ms.vocab, token):
            r.done = True
            return
        r.tokens.append(token)
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
        ms.decode(step, take)
