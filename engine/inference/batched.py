"""Several inputs decoded together: llama.cpp multi-sequence batching over a shared prefix.

A second llama.cpp context on the same loaded weights (so the single-input path keeps its own
cache untouched) holds a *root* sequence with the prompt prefix the inputs share (instructions,
few-shot examples). It is evaluated once and kept between calls; each input's sequence starts
as a copy of it (``llama_memory_seq_cp``). Then every input's own tokens go into one
``llama_decode`` (split into ``n_batch`` chunks), every branch (a label candidate, a field of an
extraction) after that, and a generation decodes one token for every live sequence per step.

The KV cache is *not* unified: each sequence has its own stream of ``per_seq`` cells laid out
exactly as the single-input context lays out one prompt. With a unified cache the sequences'
cells interleave and llama.cpp's vector sums add the same numbers in another order; on the demo
model that moved log-probabilities by up to 0.3 and changed greedy answers. Per-sequence
streams give the same numbers as the unbatched path. Inputs beyond ``n_seq - 1`` sequences run
in several waves; one that does not fit a stream is refused with a clear error.

A generation leaves each input's sequence holding its prompt and answer, *kept*: an extraction
scores the alternatives of its fields right after the answer's tokens before them, and scoring
then starts from the kept sequence instead of decoding the prompt and answer again.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.errors import DoesNotFit
from engine.inference.native_model import _log_softmax_at

ROOT = 0  # the sequence that keeps the shared prefix between calls


@dataclass(frozen=True)
class Branch:
    tail: list[int]  # tokens after the group's prompt, whose logits are not read (may be empty)
    candidate: list[int]  # tokens whose log-probabilities are wanted, in order


@dataclass(frozen=True)
class Group:
    """One input: its whole prompt and the continuations scored after it."""

    tokens: list[int]
    branches: list[Branch]


# (token, position, sequences, tag): logits are read after the decode for tokens with a tag
Entry = tuple[int, int, tuple[int, ...], Any]


def shared_prefix(prompts: Sequence[Sequence[int]]) -> int:
    """Tokens every prompt starts with, leaving each prompt at least one token of its own."""
    if not prompts:
        return 0
    n = min(len(p) for p in prompts) - 1
    first = prompts[0]
    for p in prompts[1:]:
        i = 0
        while i < n and p[i] == first[i]:
            i += 1
        n = i
    return max(0, n)


class MultiSequence:
    """A llama.cpp context with ``n_seq_max`` sequences over the weights of ``llm`` (a ``Llama``)."""

    def __init__(self, llm: Any, per_seq: int, n_seq: int, n_threads: int, n_batch: int = 512) -> None:
        import llama_cpp as lib

        self.lib = lib
        # the single-input context's settings (flash attention off, rope ...), so both compute alike
        params = type(llm.context_params).from_buffer_copy(llm.context_params)
        n_seq = max(2, min(n_seq, int(lib.llama_max_parallel_sequences())))
        per_seq = -(-per_seq // 256) * 256  # llama.cpp pads the context to 256 cells
        params.n_ctx, params.n_batch, params.n_ubatch = per_seq * n_seq, n_batch, n_batch
        params.n_seq_max, params.kv_unified = n_seq, False
        params.n_threads = params.n_threads_batch = n_threads
        self.ctx = lib.llama_init_from_model(llm._model.model, params)
        if not self.ctx:
            raise RuntimeError("llama.cpp could not create the batching context")
        adapter = getattr(llm, "_lora_adapter", None)
        if adapter is not None:
            adapters = (lib.llama_adapter_lora_p_ctypes * 1)(adapter)
            scales = (ctypes.c_float * 1)(llm.lora_scale)
            if lib.llama_set_adapters_lora(self.ctx, adapters, 1, scales):
                raise RuntimeError("llama.cpp could not apply the LoRA adapter to the batching context")
        self.mem = lib.llama_get_memory(self.ctx)
        self.vocab = lib.llama_model_get_vocab(llm._model.model)
        self.n_vocab = int(lib.llama_vocab_n_tokens(self.vocab))
        self.n_seq, self.n_batch = int(lib.llama_n_seq_max(self.ctx)), n_batch
        self.per_seq = int(lib.llama_n_ctx(self.ctx)) // self.n_seq
        self.batch = lib.llama_batch_init(n_batch, 0, self.n_seq)
        self.prefix: list[int] = []  # what ROOT holds
        self.kept: dict[int, tuple[int, ...]] = {}  # sequence -> the prompt tokens it holds
        self.evaluated = 0

    def close(self) -> None:
        if self.ctx:
            self.lib.llama_batch_free(self.batch)
            self.lib.llama_free(self.ctx)
            self.ctx = None

    # -- decoding ----------------------------------------------------------------------------
    def decode(self, entries: Sequence[Entry], on_logits: Callable[[Any, int], None]) -> None:
        """Decode ``entries`` in order, ``n_batch`` at a time; ``on_logits(tag, i)`` runs after each
        chunk for its tagged entries (``i``: the entry's index in the chunk, for ``logits_at``)."""
        b = self.batch
        for start in range(0, len(entries), self.n_batch):
            chunk = entries[start:start + self.n_batch]
            for i, (token, pos, seqs, tag) in enumerate(chunk):
                b.token[i], b.pos[i], b.n_seq_id[i] = token, pos, len(seqs)
                for j, s in enumerate(seqs):
                    b.seq_id[i][j] = s
                b.logits[i] = tag is not None
            b.n_tokens = len(chunk)
            rc = self.lib.llama_decode(self.ctx, b)
            if rc != 0:
                raise RuntimeError(f"llama.cpp could not decode the batch (code {rc}: the context is full)")
            self.evaluated += len(chunk)
            for i, (_t, _p, _s, tag) in enumerate(chunk):
                if tag is not None:
                    on_logits(tag, i)

    def logits_at(self, i: int) -> Any:
        ptr = self.lib.llama_get_logits_ith(self.ctx, i)
        return np.ctypeslib.as_array(ptr, shape=(self.n_vocab,))

    # -- sequences ---------------------------------------------------------------------------
    def hold_prefix(self, prefix: Sequence[int]) -> None:
        """Make ROOT hold exactly ``prefix``, evaluating only what it does not hold already."""
        keep = 0
        for a, b in zip(self.prefix, prefix, strict=False):
            if a != b:
                break
            keep += 1
        if keep < len(self.prefix):
            self.lib.llama_memory_seq_rm(self.mem, ROOT, keep, -1)
            self.prefix = self.prefix[:keep]
        rest = list(prefix[keep:])
        self.decode([(t, keep + i, (ROOT,), None) for i, t in enumerate(rest)], lambda tag, i: None)
        self.prefix = list(prefix)

    def fork(self, seqs: Sequence[int]) -> None:
        for s in seqs:
            if self.kept.pop(s, None) is not None:
                self.lib.llama_memory_seq_rm(self.mem, s, -1, -1)
            self.lib.llama_memory_seq_cp(self.mem, ROOT, s, -1, -1)

    def drop(self, seqs: Sequence[int]) -> None:
        for s in seqs:
            self.kept.pop(s, None)
            self.lib.llama_memory_seq_rm(self.mem, s, -1, -1)

    def keep(self, seq: int, held: Sequence[int]) -> None:
        """Keep ``seq``, which holds ``held`` (a prompt and the answer decoded after it)."""
        self.kept[seq] = tuple(held)

    def claim_kept(self, prompts: Sequence[Sequence[int]]) -> dict[int, int]:
        """Kept sequences holding all of each prompt but its last token ({prompt index: sequence}),
        trimmed to that (a scorer decodes the last token again to read its logits); the other kept
        sequences are dropped."""
        free = dict(self.kept)
        owned: dict[int, int] = {}
        for i, p in enumerate(prompts):
            want = tuple(p[:-1])
            seq = next((s for s, held in free.items() if held[:len(want)] == want), None)
            if seq is not None:
                owned[i] = seq
                del free[seq]
                self.lib.llama_memory_seq_rm(self.mem, seq, len(want), -1)
                self.kept[seq] = want
        self.drop(list(free))
        return owned

    def reset(self) -> None:
        """Forget everything (after a failed decode the cache's content is unknown)."""
        self.lib.llama_memory_clear(self.mem, True)
        self.prefix = []
        self.kept = {}

    def waves(self, needs: Sequence[tuple[int, int]], prefix: int, wave: int | None = None,
              owned: dict[int, int] | None = None) -> list[list[int]]:
        """Input indices packed into runs that fit: ``needs[i]`` is (cells one of its sequences
        needs after the prefix, how many sequences it needs) for input i; ``wave`` caps the
        sequences of one run (tests use it to force several runs). ``owned`` inputs already hold
        their first sequence; the sequences of owned inputs of later runs are not free."""
        owned = owned or {}
        room, most = self.per_seq - prefix, min(self.n_seq - 1, wave or self.n_seq)
        out: list[list[int]] = []
        cur: list[int] = []
        seqs = 0
        for i, (c, s) in enumerate(needs):
            if c > room or s > most:
                raise DoesNotFit(f"input {i + 1} needs {prefix + c} tokens of context and {s} sequence(s); "
                                    f"the batching context has {self.per_seq} per sequence and {most} sequences")
            later = sum(1 for j in owned if j > i)  # still held for inputs of later runs
            if cur and seqs + s + later > most:
                out.append(cur)
                cur, seqs = [], 0
            cur.append(i)
            seqs += s
        if cur:
            out.append(cur)
        return out

    def unkept_first(self, n: int) -> list[int]:
        """``n`` sequences for a generation run: ones holding nothing kept first, then the longest kept."""
        order = [s for s in range(1, self.n_seq) if s not in self.kept] + list(self.kept)
        return order[:n]

    def free_sequences(self, reserved: set[int]) -> list[int]:
        return [s for s in range(1, self.n_seq) if s not in reserved]


def score_groups(ms: MultiSequence, groups: Sequence[Group], wave: int | None = None) -> list[list[list[float]]]:
    """For every group and branch, the log-probability of each candidate token after the group's
    prompt, the branch's tail and the candidate tokens before it (unconstrained).

    Each group's prompt is decoded in its own sequence, with the tail tokens all its branches
    begin with (an extraction's fields all start after ``{"first key":``); then its first branch
    continues in that sequence and every other branch in a copy of it, all groups' branches in
    one decode."""
    prefix = shared_prefix([g.tokens for g in groups])
    ms.hold_prefix(groups[0].tokens[:prefix] if groups else [])
    needs = [(len(g.tokens) - prefix + max((len(b.tail) + len(b.candidate) for b in g.branches), default=0),
              max(1, len(g.branches))) for g in groups]
    results: list[list[list[float]]] = [[[0.0] * len(b.candidate) for b in g.branches] for g in groups]

    def read(tag: list[tuple[int, int, int, int]], i: int) -> None:
        row = ms.logits_at(i)
        for g, b, k, token in tag:
            results[g][b][k] = _log_softmax_at(row, token)

    common = [_common_tail(g.branches) for g in groups]
    owned = ms.claim_kept([g.tokens for g in groups])
    most = min(ms.n_seq - 1, wave or ms.n_seq)
    if any(s + sum(1 for j in owned if j > i) > most for i, (_c, s) in enumerate(needs)):
        ms.drop(list(owned.values()))  # too few sequences to keep them all waiting: decode prompts again
        owned = {}
    for run in ms.waves(needs, prefix, wave, owned):
        free = iter(ms.free_sequences({owned[g] for g in owned if g >= run[0]}))
        seqs = {g: ([owned[g]] if g in owned else [next(free)]) for g in run}
        for g in run:
            seqs[g] += [next(free) for _ in range(max(1, len(groups[g].branches)) - 1)]
        used = [s for g in run for s in seqs[g]]
        try:
            ms.fork([seqs[g][0] for g in run if g not in owned])
            # the prompts' own tokens, then the last token of each kept one: in separate decodes, as
            # mixing sequences of one token with longer ones splits llama.cpp's batch differently
            for kept in (False, True):
                prompts: list[Entry] = []
                for g in (g for g in run if (g in owned) == kept):
                    group = groups[g]
                    start = len(group.tokens) - 1 if kept else prefix  # a kept sequence lacks only the last
                    at_end = [(g, b, 0, br.candidate[0]) for b, br in enumerate(group.branches)
                              if not br.tail and br.candidate]
                    own = group.tokens[start:]
                    prompts += [(t, start + j, (seqs[g][0],), at_end if j == len(own) - 1 and at_end else None)
                                for j, t in enumerate(own)]
                    shared = group.branches[0].tail[:common[g]] if common[g] else []
                    prompts += [(t, len(group.tokens) + j, (seqs[g][0],), None) for j, t in enumerate(shared)]
                ms.decode(prompts, read)
            for g in run:
                for s in seqs[g][1:]:
                    ms.lib.llama_memory_seq_cp(ms.mem, seqs[g][0], s, -1, -1)
            ms.decode(_branch_entries(groups, run, seqs, common), read)
        except BaseException:
            ms.reset()
            raise
        ms.drop(used)
    return results


def _common_tail(branches: Sequence[Branch]) -> int:
    """Tail tokens every branch begins with, leaving each branch at least one tail token of its own
    (whose logits give its first candidate token's log-probability)."""
    return shared_prefix([b.tail for b in branches]) if len(branches) > 1 else 0


def _branch_entries(groups: Sequence[Group], wave: list[int], seqs: dict[int, list[int]],
                    common: Sequence[int]) -> list[Entry]:
    entries: list[Entry] = []
    for g in wave:
        pos0 = len(groups[g].tokens)
        for b, br in enumerate(groups[g].branches):
            seq = (seqs[g][b],)
            for j, t in enumerate(br.tail):
                if j < common[g]:
                    continue  # decoded with the prompt, before the branches were copied
                last = j == len(br.tail) - 1 and br.candidate
                entries.append((t, pos0 + j, seq, [(g, b, 0, br.candidate[0])] if last else None))
            pos = pos0 + len(br.tail)
            entries += [(t, pos + k, seq, [(g, b, k + 1, br.candidate[k + 1])])
                        for k, t in enumerate(br.candidate[:-1])]
    return entries
