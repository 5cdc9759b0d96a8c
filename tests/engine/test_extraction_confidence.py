"""An extraction's field confidences are read at the answer's own tokens (engine.inference.extract).

On the real demo GGUF: each number is computed here again from the model's unconstrained
log-probabilities, located by the text of each token, not by the code under test.
"""

from __future__ import annotations

import json
import math

import pytest

from engine.inference.extract import Extractor, value_spans
from engine.inference.runtime import LoadedModel
from engine.paths import demo_model_path
from engine.tasks.prompt import PromptFormat
from tests.engine.test_inference_batched import SCHEMA, model  # noqa: F401  (the demo model, shared)


def test_value_spans_find_each_top_level_value_as_written() -> None:
    text = '{ "a" :"x,\\"}", "b": {"c": [1, {"d": "}"}]},"e":  true\n}'
    spans = value_spans(text)
    assert {k: text[a:b] for k, (a, b) in spans.items()} == {
        "a": '"x,\\"}"', "b": '{"c": [1, {"d": "}"}]}', "e": "true"}
    assert value_spans("{}") == {}
    assert list(value_spans(json.dumps({"z": 1, "y": 2}))) == ["z", "y"]


def _pieces(tokens: list[int]) -> list[bytes]:
    """Each token's bytes, from the demo model's vocabulary in a child process (as the product runs
    llama.cpp: loading it in the test process changes later in-process loads)."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import json, sys; from llama_cpp import Llama; "
            "llm = Llama(model_path=sys.argv[1], vocab_only=True, verbose=False); "
            "print(json.dumps([llm.detokenize([t]).hex() for t in json.loads(sys.argv[2])]))")
    done = subprocess.run([sys.executable, "-c", code, str(demo_model_path()), json.dumps(tokens)],
                          cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return [bytes.fromhex(h) for h in json.loads(done.stdout.strip().splitlines()[-1])]


def test_field_confidences_are_read_at_the_answers_own_tokens(model: LoadedModel) -> None:  # noqa: F811
    fmt = PromptFormat("Classify the review as positive or negative.", "Review: {input}",
                       model.info.chat_template or "")
    ext = Extractor(model, fmt, SCHEMA, max_tokens=40)
    review = "The kettle broke after a day"
    single = ext.extract(review)
    batched = ext.extract_many([review])[0]
    answer = model.generate_answers([fmt.prompt(review)], max_tokens=40, schema=SCHEMA)[0]
    assert answer.text == single.text
    pieces = _pieces(answer.tokens)
    raw = single.text.encode()
    assert b"".join(pieces) == raw
    starts = [sum(len(p) for p in pieces[:i]) for i in range(len(pieces))]
    prompt_tokens = model.tokenize(fmt.prompt(review), add_bos=True)
    assert "".join(model.stream(fmt.prompt(review), max_tokens=40, schema=SCHEMA)) == single.text
    # each answer token after the ones before it, as the generation decoded them (one per step:
    # the cache the stream left is reused and only the last token is decoded again)
    logprobs = [model.score(prompt_tokens + answer.tokens[:i], [[t]])[0] for i, t in enumerate(answer.tokens)]

    # the free field: geometric mean of the probabilities of the tokens its value is written in
    value = json.dumps(single.value["product"]).encode()
    lo = raw.index(value, raw.index(b'"product"') + len(b'"product"'))
    hi = lo + len(value)
    inside = [i for i, p in enumerate(pieces) if starts[i] < hi and starts[i] + len(p) > lo]
    expected = math.exp(sum(logprobs[i] for i in inside) / len(inside))
    assert single.fields["product"] == pytest.approx(expected, abs=1e-6)
    assert batched.fields["product"] == pytest.approx(expected, abs=0.05)

    # the finite field: the chosen value's share among all allowed values, each scored from the
    # start of the token the value begins in; the tokens all values begin with (the same number for
    # each) are context, as the generation decoded them
    lo = raw.index(b'"', raw.index(b'"sentiment"') + len(b'"sentiment"'))
    at = next(i for i, p in enumerate(pieces) if starts[i] + len(p) > lo)
    lead = raw[starts[at]:lo].decode()
    cands = [model.tokenize(lead + json.dumps(v), add_bos=False) for v in ("positive", "negative")]
    same = 0
    while cands[0][same] == cands[1][same] and same + 1 < min(map(len, cands)):
        same += 1
    assert same == 1 and cands[0][0] == answer.tokens[at]  # ' "' as the answer wrote it
    totals = model.score(prompt_tokens + answer.tokens[:at] + cands[0][:same], [c[same:] for c in cands])
    shares = [math.exp(t) / sum(math.exp(u) for u in totals) for t in totals]
    chosen = ["positive", "negative"].index(single.value["sentiment"])
    assert single.fields["sentiment"] == pytest.approx(shares[chosen], abs=1e-6)
    assert batched.fields["sentiment"] == pytest.approx(shares[chosen], abs=0.05)
    assert single.confidence == min(single.fields.values())
