"""Classification into a task's label set, with a confidence on every answer.

The model is asked the task's prompt; every label (followed by the end-of-turn
marker, so a label is scored as a complete answer) is scored by its unconstrained
log-probability. The answer is the most probable label, so it is always in the
label set; the confidence is that label's share of the probability mass over
the label set. Grammar-constrained logprobs are not used: llama.cpp reports them
from the unconstrained distribution, which makes them meaningless as a confidence.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from engine.errors import DoesNotFit
from engine.inference.runtime import LoadedModel
from engine.tasks.prompt import PromptFormat, Shot


@dataclass(frozen=True)
class Classification:
    label: str
    confidence: float
    distribution: dict[str, float]
    latency_ms: float
    tokens: int


class Classifier:
    def __init__(self, model: LoadedModel, fmt: PromptFormat, labels: Sequence[str],
                 shots: Sequence[Shot] = ()) -> None:
        if not labels:
            raise ValueError("a classifier needs at least one label")
        self.model = model
        self.fmt = fmt
        self.labels = list(labels)
        self.shots = list(shots)
        self._candidates = [model.tokenize(fmt.completion(label), add_bos=False) for label in self.labels]

    def classify(self, input_text: str) -> Classification:
        start = time.perf_counter()
        prompt = self.model.tokenize(self.fmt.prompt(input_text, self.shots), add_bos=True)
        logps = self.model.score(prompt, self._candidates)
        latency = (time.perf_counter() - start) * 1000
        # tokens llama.cpp actually evaluated (prefix reuse counted)
        return self._answer(logps, latency, self.model.last_evaluated)

    def classify_many(self, input_texts: Sequence[str]) -> list[Classification]:
        """The same answers as ``classify`` for each input, decoded together (shared prefix once);
        latency and tokens are the batch's, shared out evenly. Inputs too long for the batching
        context are answered one at a time (the single-input context is larger)."""
        if not input_texts:
            return []
        start = time.perf_counter()
        prompts = [self.model.tokenize(self.fmt.prompt(t, self.shots), add_bos=True) for t in input_texts]
        try:
            scored = self.model.score_many([(p, [([], c) for c in self._candidates]) for p in prompts])
        except DoesNotFit:
            return [self.classify(t) for t in input_texts]
        n = len(input_texts)
        latency = (time.perf_counter() - start) * 1000 / n
        tokens = -(-self.model.last_evaluated // n)
        return [self._answer([sum(c) for c in cands], latency, tokens) for cands in scored]

    def _answer(self, logps: Sequence[float], latency: float, tokens: int) -> Classification:
        top = max(logps)
        weights = [math.exp(lp - top) for lp in logps]
        total = sum(weights)
        dist = {label: w / total for label, w in zip(self.labels, weights, strict=True)}
        best = max(dist, key=lambda k: dist[k])
        return Classification(best, dist[best], dist, latency, tokens)
