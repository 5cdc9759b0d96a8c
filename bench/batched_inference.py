"""Batched inference through Airlock vs a naive llama-cpp-python loop, in one run.

    .venv/bin/python bench/batched_inference.py [--classify 32] [--extract 8]

Same demo GGUF, same prompts (instructions + two few-shot examples + the input, the demo
model's chat template), same CPU variant, extra-buffer setting and threads (the machine's
``config_to_use()``), greedy. Naive: a plain ``Llama`` in this process, one input at a time:
classification scores each label by evaluating prompt + label from an empty cache;
extraction is ``create_completion`` under the JSON-schema grammar. Airlock:
``Classifier.classify_many`` / ``Extractor.extract_many`` on a ``LoadedModel`` (inference
process, shared prefix evaluated once, several sequences per llama_decode; extraction also
re-scores every field for its confidence, which the naive loop does not). Reports items/s,
the ratio, and whether the answers are identical. Each side runs ``--rounds`` times, alternating
(the inference process and the naive ``Llama`` are both loaded throughout); medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SCHEMA = {"type": "object", "properties": {"sentiment": {"enum": ["positive", "negative"]},
                                           "product": {"type": "string", "maxLength": 12}},
          "required": ["sentiment", "product"]}
ITEMS = ["kettle", "radio", "lamp", "drill", "blender", "toaster", "fan", "heater"]
MOODS = ["works perfectly, I love it", "broke after a day", "great value for money",
         "the worst purchase I ever made"]


def inputs(n: int) -> list[str]:
    return [f"The {ITEMS[i % len(ITEMS)]} {MOODS[(i // len(ITEMS) + i) % len(MOODS)]} (order {i})" for i in range(n)]


def naive_classify(llm: Any, prompts: list[list[int]], cands: list[list[int]]) -> list[int]:
    from engine.inference.native_model import _log_softmax_at

    chosen = []
    for p in prompts:
        totals = []
        for c in cands:
            llm.reset()
            llm.eval(p + c)
            totals.append(sum(_log_softmax_at(llm.scores[len(p) + k - 1], t) for k, t in enumerate(c)))
        chosen.append(max(range(len(cands)), key=lambda i: totals[i]))
    return chosen


def naive_extract(llm: Any, prompts: list[str], max_tokens: int) -> list[str]:
    from llama_cpp.llama_grammar import LlamaGrammar

    grammar = LlamaGrammar.from_json_schema(json.dumps(SCHEMA), verbose=False)
    out = []
    for p in prompts:
        llm.reset()
        done: Any = llm.create_completion(p, max_tokens=max_tokens, temperature=0.0, grammar=grammar)
        out.append(str(done["choices"][0]["text"]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--classify", type=int, default=32)
    ap.add_argument("--extract", type=int, default=8)
    ap.add_argument("--max-tokens", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3, help="each side timed this often, alternating; medians")
    args = ap.parse_args()
    from engine.inference.classify import Classifier
    from engine.inference.extract import Extractor
    from engine.inference.native import load_cpu_backend
    from engine.inference.native_model import use_extra_buffer_types
    from engine.inference.runtime import LoadedModel
    from engine.inference.selftest import config_to_use
    from engine.paths import demo_model_path
    from engine.tasks.prompt import PromptFormat, Shot

    cfg = config_to_use()
    path = demo_model_path()
    print(f"config: {cfg.label()}  threads {cfg.threads}  rounds {args.rounds}")
    labels = ["positive", "negative"]
    shots = [Shot("The lovely little radio works well", "positive"), Shot("It never turned on", "negative")]
    load_cpu_backend(cfg.variant)  # the naive loop runs in this process, the inference process beside it
    use_extra_buffer_types(cfg.extra_bufts)
    from llama_cpp import Llama

    def timed(fn: Any) -> tuple[float, Any]:
        t0 = time.perf_counter()
        out = fn()
        return time.perf_counter() - t0, out

    times: dict[str, list[float]] = {"ours_c": [], "naive_c": [], "ours_e": [], "naive_e": []}
    with LoadedModel(path, n_threads=cfg.threads) as model:
        fmt = PromptFormat("Classify the product review as positive or negative.", "Review: {input}",
                           model.info.chat_template or "")
        texts, etexts = inputs(args.classify), inputs(args.extract)
        clf = Classifier(model, fmt, labels, shots)
        ext = Extractor(model, fmt, SCHEMA, max_tokens=args.max_tokens)
        prompts = [model.tokenize(fmt.prompt(t, shots), add_bos=True) for t in texts]
        cands = [model.tokenize(fmt.completion(lab), add_bos=False) for lab in labels]
        eprompts = [fmt.prompt(t) for t in etexts]
        scorer = Llama(model_path=str(path), n_ctx=2048, n_threads=cfg.threads, n_threads_batch=cfg.threads,
                       logits_all=True, verbose=False, seed=0)
        writer = Llama(model_path=str(path), n_ctx=2048, n_threads=cfg.threads, n_threads_batch=cfg.threads,
                       verbose=False, seed=0)
        for _ in range(args.rounds):
            t, ours = timed(lambda: clf.classify_many(texts))
            times["ours_c"].append(t)
            t, naive = timed(lambda: naive_classify(scorer, prompts, cands))
            times["naive_c"].append(t)
            t, ours_e = timed(lambda: ext.extract_many(etexts))
            times["ours_e"].append(t)
            t, naive_e = timed(lambda: naive_extract(writer, eprompts, args.max_tokens))
            times["naive_e"].append(t)
        scorer.close()
        writer.close()

    same_c = [labels[i] for i in naive] == [o.label for o in ours]
    same_e = [getattr(o, "text", None) for o in ours_e] == naive_e
    for name, key, n, same in (("classification", "c", len(texts), same_c), ("extraction", "e", len(etexts), same_e)):
        naive_s, ours_s = statistics.median(times["naive_" + key]), statistics.median(times["ours_" + key])
        each = " ".join(f"{a / b:.2f}" for a, b in zip(times["naive_" + key], times["ours_" + key], strict=True))
        print(f"{name:15s} n={n:3d}  naive {n / naive_s:6.2f} items/s  airlock batched {n / ours_s:6.2f} items/s"
              f"  ratio of medians {naive_s / ours_s:4.2f}x (rounds: {each})  answers identical: {same}")


if __name__ == "__main__":
    main()
