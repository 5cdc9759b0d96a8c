"""Batched inference (several inputs per llama_decode) gives the unbatched path's answers.

On the real demo GGUF, no mocks. Labels, extracted JSON and generated text must be identical.
Confidences may differ slightly: the single-input path's KV cache is laid out by whatever it
evaluated before (prefix reuse), the batched one by the batch, and llama.cpp's attention sums
the same numbers in another order; on this 135M Q4 model that moves a label's log-probability
by up to ~0.15 (measured), i.e. a confidence by a few hundredths. Tolerance: 0.05.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine.errors import AirlockError
from engine.inference.classify import Classifier
from engine.inference.extract import Extractor
from engine.inference.runtime import LoadedModel
from engine.paths import demo_model_path
from engine.tasks.prompt import PromptFormat, Shot

TOLERANCE = 0.05
REVIEWS = ["I loved it, works perfectly", "Terrible, broke after a day", "Great value for money",
           "Worst purchase ever, the kettle leaks"]
SCHEMA = {"type": "object", "properties": {"sentiment": {"enum": ["positive", "negative"]},
                                           "product": {"type": "string", "maxLength": 12}},
          "required": ["sentiment", "product"]}


@pytest.fixture(scope="module")
def model() -> Iterator[LoadedModel]:
    with LoadedModel(demo_model_path(), n_threads=2) as m:
        yield m


def _fmt(model: LoadedModel) -> PromptFormat:
    return PromptFormat("Classify the review as positive or negative.", "Review: {input}",
                        model.info.chat_template or "")


def test_classify_many_gives_the_labels_of_classify(model: LoadedModel) -> None:
    shots = [Shot("Lovely little radio", "positive"), Shot("It never turned on", "negative")]
    clf = Classifier(model, _fmt(model), ["positive", "negative"], shots)
    one = [clf.classify(r) for r in REVIEWS]
    many = clf.classify_many(REVIEWS)
    assert [a.label for a in many] == [a.label for a in one]
    for a, b in zip(one, many, strict=True):
        for label in a.distribution:
            assert b.distribution[label] == pytest.approx(a.distribution[label], abs=TOLERANCE)
    assert clf.classify_many([]) == []


def test_extract_many_gives_the_json_of_extract(model: LoadedModel) -> None:
    ext = Extractor(model, _fmt(model), SCHEMA, max_tokens=40)
    one = [ext.extract(r) for r in REVIEWS[:3]]
    many = ext.extract_many(REVIEWS[:3])
    for a, b in zip(one, many, strict=True):
        assert not isinstance(b, AirlockError)
        assert b.text == a.text and b.value == a.value
        assert b.fields.keys() == a.fields.keys()
        for key, conf in a.fields.items():
            assert b.fields[key] == pytest.approx(conf, abs=TOLERANCE)


def test_sequences_finishing_at_different_steps_and_several_waves(model: LoadedModel) -> None:
    fmt = _fmt(model)
    prompts = [fmt.prompt(r) for r in REVIEWS]
    one = [model.generate(p, max_tokens=16, stop=["\n", "."]) for p in prompts]
    many = model.generate_many(prompts, max_tokens=16, stop=["\n", "."])
    assert many == one
    assert len({n for _, n in one}) > 1  # they did end at different steps
    assert model.generate_many(prompts, max_tokens=16, stop=["\n", "."], wave=3) == one  # two runs of the batch


def test_scoring_in_several_waves_matches_one_wave(model: LoadedModel) -> None:
    cands = [model.tokenize(w, add_bos=False) for w in ("positive<|im_end|>", "negative<|im_end|>")]
    groups = [(model.tokenize(_fmt(model).prompt(r), add_bos=True), [([], c) for c in cands]) for r in REVIEWS]
    together = model.score_many(groups)
    apart = model.score_many(groups, wave=2)  # two labels = two sequences: one input per run
    for a, b in zip(together, apart, strict=True):
        assert [sum(c) for c in b] == pytest.approx([sum(c) for c in a], abs=0.2)


def test_an_input_too_long_for_the_batching_context_is_a_clear_error(model: LoadedModel) -> None:
    long_text = "word " * 3000
    with pytest.raises(AirlockError, match="tokens of context"):
        model.generate_many([_fmt(model).prompt("short"), _fmt(model).prompt(long_text)], max_tokens=4)
    pid = model.pid
    assert model.generate_many([_fmt(model).prompt("short")], max_tokens=4)[0][1] > 0
    assert model.pid == pid  # the inference process did not crash


def test_inputs_too_long_to_batch_are_answered_one_at_a_time(model: LoadedModel) -> None:
    clf = Classifier(model, _fmt(model), ["positive", "negative"])
    longer = "I loved it. " * 300  # about 1,200 tokens: more than a batching sequence holds, fits one alone
    many = clf.classify_many([REVIEWS[0], longer])
    assert [a.label for a in many] == [clf.classify(REVIEWS[0]).label, clf.classify(longer).label]


def test_the_grammar_fast_path_picks_the_token_a_full_grammar_mask_picks() -> None:
    """GreedyChooser checks the unconstrained best token alone and masks the whole vocabulary
    only when the grammar rejects it; it must pick what masking everything picks, at every step
    of a real JSON-schema grammar over the demo model's real vocabulary. llama.cpp runs in a child
    process (as in the product): loading it in the test process changes later in-process loads."""
    import subprocess
    import sys
    from pathlib import Path

    code = "import runpy, sys; runpy.run_path(sys.argv[1])['_fast_path_check'](); print('checked')"
    done = subprocess.run([sys.executable, "-c", code, __file__], cwd=Path(__file__).resolve().parents[2],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip().endswith("checked"), done.stderr[-2000:]


def _fast_path_check() -> None:
    import json

    import numpy as np
    from llama_cpp import Llama
    from llama_cpp import llama_cpp as lib
    from llama_cpp.llama_grammar import LlamaGrammar

    from engine.inference.batched_generate import GreedyChooser
    from engine.inference.native import load_cpu_backend
    from engine.inference.native_model import use_extra_buffer_types
    from engine.inference.selftest import config_to_use

    config = config_to_use()
    load_cpu_backend(config.variant)
    use_extra_buffer_types(config.extra_bufts)  # as the inference process does: others load after this
    llm = Llama(model_path=str(demo_model_path()), vocab_only=True, verbose=False)
    vocab = lib.llama_model_get_vocab(llm._model.model)
    n_vocab = int(lib.llama_vocab_n_tokens(vocab))
    rules = LlamaGrammar.from_json_schema(json.dumps(SCHEMA), verbose=False)

    def new_grammar() -> object:
        return lib.llama_sampler_init_grammar(vocab, rules._grammar.encode(), rules._root.encode())

    fast, full = new_grammar(), new_grammar()
    chooser, reference = GreedyChooser(lib, n_vocab), GreedyChooser(lib, n_vocab)
    rng = np.random.default_rng(7)
    picked: list[int] = []
    try:
        for step in range(40):
            row = rng.normal(size=n_vocab).astype(np.float32)
            # the reference: mask every token, then the highest logit
            reference.all["logit"] = row
            reference._apply(full, reference.all)
            best_allowed = int(np.argmax(reference.all["logit"]))
            if step % 2:  # make the allowed token the overall best: the fast path must take it
                row[best_allowed] = row.max() + 1.0
            token = chooser.choose(row, fast)
            assert token == best_allowed, f"step {step}"
            lib.llama_sampler_accept(full, token)
            picked.append(token)
            if lib.llama_vocab_is_eog(vocab, token):
                break
    finally:
        lib.llama_sampler_free(fast)
        lib.llama_sampler_free(full)
        llm.close()
    steps = len(picked)
    assert steps >= 4
    # both paths were taken: the rejected best tokens (even steps) and the allowed ones (odd)
    assert 0 < chooser.full_checks < steps
    assert chooser.full_checks <= (steps + 1) // 2 + 1
    assert GreedyChooser(lib, n_vocab).choose(np.arange(5, dtype=np.float32)[::-1].copy(), None) == 0


def test_scoring_after_a_generation_starts_from_the_kept_prompts(model: LoadedModel) -> None:
    """An extraction scores its answer after the prompts it just generated from: the sequences of
    the last generation wave keep their prompts, so scoring decodes only their last token, and
    gives the numbers scoring from scratch gives (the second call finds nothing kept)."""
    fmt = _fmt(model)
    prompts = [fmt.prompt(r) for r in REVIEWS]
    cands = [model.tokenize(w, add_bos=False) for w in ("positive<|im_end|>", "negative<|im_end|>")]
    groups = [(model.tokenize(p, add_bos=True), [([], c) for c in cands]) for p in prompts]
    model.generate_many(prompts, max_tokens=8)
    model.generate_many(prompts, max_tokens=8, wave=3)  # two runs: kept sequences from both calls
    reused = model.score_many(groups)
    reused_tokens = model.last_evaluated
    fresh = model.score_many(groups)
    assert model.last_evaluated - reused_tokens >= len(groups[0][0]) // 2  # prompts were not decoded again
    for a, b in zip(reused, fresh, strict=True):
        assert [sum(c) for c in a] == pytest.approx([sum(c) for c in b], abs=1e-4)


def test_the_tail_all_branches_share_is_decoded_once_and_each_keeps_one_token() -> None:
    from engine.inference.batched import Branch, _common_tail

    assert _common_tail([Branch([1, 2, 3, 4], [9]), Branch([1, 2, 3, 4], [8]), Branch([1, 2, 3, 5, 6], [7])]) == 3
    assert _common_tail([Branch([1, 2], [9]), Branch([1, 2], [8])]) == 1  # one tail token each stays
    assert _common_tail([Branch([], [9]), Branch([], [8])]) == 0  # candidates right after the prompt
    assert _common_tail([Branch([1, 2, 3], [9])]) == 0  # a single branch continues in place anyway
    assert _common_tail([Branch([1, 2], [9]), Branch([3, 2], [8])]) == 0


def test_scoring_after_a_generation_starts_from_the_kept_answers(model: LoadedModel) -> None:
    """An extraction scores a field's alternatives right after the answer tokens before the field:
    the generation keeps each sequence holding its prompt and answer, so scoring there decodes one
    token per input plus the candidates, and gives the numbers the single-input path gives after
    its own generation of the same answer.

    (Scoring from scratch differs: llama.cpp's sums come out a little differently for tokens
    decoded one per step than for the same tokens decoded in one batch, up to 0.2 in a
    log-probability of -4 here, so the reference is what the single path does: generate, then
    score after the cache it left.)"""
    fmt = _fmt(model)
    prompts = [fmt.prompt(r) for r in REVIEWS]
    cands = [model.tokenize(w, add_bos=False)[1:] for w in ('"positive"', '"negative"')]
    for wave in (1, None):
        answers = model.generate_answers(prompts, max_tokens=20, schema=SCHEMA, wave=wave)
        # up to the token the sentiment's value begins in (a space and its opening quote)
        at = [next(i for i, end in enumerate(a.ends) if end > a.text.index('"', a.text.index(":")))
              for a in answers]
        groups = [(model.tokenize(p, add_bos=True) + a.tokens[:k + 1], [([], c) for c in cands])
                  for p, a, k in zip(prompts, answers, at, strict=True)]
        reused = model.score_many(groups)
        assert model.last_evaluated <= len(groups) * (1 + sum(len(c) for c in cands))
        for prompt, answer, (tokens, _), got in zip(prompts, answers, groups, reused, strict=True):
            assert "".join(model.stream(prompt, max_tokens=20, schema=SCHEMA)) == answer.text
            single = model.score(tokens, cands)
            assert [sum(c) for c in got] == pytest.approx(single, abs=1e-3)
        model.score_many(groups)
        assert model.last_evaluated > len(groups[0][0])  # nothing kept now: from scratch
