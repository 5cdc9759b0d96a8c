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
the ratio, and whether the answers are identical.
"""

from __future__ import annotations

import argparse
import json
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
    print(f"config: {cfg.label()}  threads {cfg.threads}")
    labels = ["positive", "negative"]
    shots = [Shot("The lovely little radio works well", "positive"), Shot("It never turned on", "negative")]
    with LoadedModel(path, n_threads=cfg.threads) as model:
        fmt = PromptFormat("Classify the product review as positive or negative.", "Review: {input}",
                           model.info.chat_template or "")
        texts = inputs(args.classify)
        clf = Classifier(model, fmt, labels, shots)
        t0 = time.perf_counter()
        ours = clf.classify_many(texts)
        t_ours_c = time.perf_counter() - t0
        prompts = [model.tokenize(fmt.prompt(t, shots), add_bos=True) for t in texts]
        cands = [model.tokenize(fmt.completion(lab), add_bos=False) for lab in labels]
        ext = Extractor(model, fmt, SCHEMA, max_tokens=args.max_tokens)
        etexts = inputs(args.extract)
        t0 = time.perf_counter()
        ours_e = ext.extract_many(etexts)
        t_ours_e = time.perf_counter() - t0
        eprompts = [fmt.prompt(t) for t in etexts]

    load_cpu_backend(cfg.variant)
    use_extra_buffer_types(cfg.extra_bufts)
    from llama_cpp import Llama

    llm = Llama(model_path=str(path), n_ctx=2048, n_threads=cfg.threads, n_threads_batch=cfg.threads,
                logits_all=True, verbose=False, seed=0)
    t0 = time.perf_counter()
    naive = naive_classify(llm, prompts, cands)
    t_naive_c = time.perf_counter() - t0
    llm.close()
    llm = Llama(model_path=str(path), n_ctx=2048, n_threads=cfg.threads, n_threads_batch=cfg.threads,
                verbose=False, seed=0)
    t0 = time.perf_counter()
    naive_e = naive_extract(llm, eprompts, args.max_tokens)
    t_naive_e = time.perf_counter() - t0
    llm.close()

    same_c = [labels[i] for i in naive] == [o.label for o in ours]
    same_e = [getattr(o, "text", None) for o in ours_e] == naive_e
    for name, n, naive_s, ours_s, same in (("classification", len(texts), t_naive_c, t_ours_c, same_c),
                                           ("extraction", len(etexts), t_naive_e, t_ours_e, same_e)):
        print(f"{name:15s} n={n:3d}  naive {n / naive_s:6.2f} items/s  airlock batched {n / ours_s:6.2f} items/s"
              f"  ratio {naive_s / ours_s:4.2f}x  answers identical: {same}")


if __name__ == "__main__":
    main()
