"""How a model under evaluation answers one input, by task kind.

Classification scores every label (``engine.inference.classify``). Extraction runs the
way the console serves it, under a grammar built from the task's JSON schema
(``engine.inference.extract``), with its confidence. Generation (and extraction for a
task without an object schema) decodes greedily until the chat template's end-of-turn
marker; scoring parses an extraction output as JSON.

``many`` answers several inputs decoded together (``engine.inference.batched``), with the same
answers as one at a time; each answer's latency is then the batch's time shared out evenly (a
throughput figure): the latency one request waits for is measured apart, on a few inputs answered
one at a time (``engine.evaluation.runs``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from engine.inference.runtime import LoadedModel
from engine.tasks.prompt import PromptFormat, PromptWithShots, Shot, end_of_turn
from engine.tasks.service import TaskInfo

MAX_NEW_TOKENS = {"extraction": 384, "generation": 256}


@dataclass(frozen=True)
class Answer:
    output: str
    confidence: float | None
    latency_ms: float
    tokens: int


class Answerer(Protocol):
    def __call__(self, input_text: str) -> Answer: ...

    def many(self, input_texts: Sequence[str]) -> list[Answer]: ...


class _Labeller:
    def __init__(self, model: LoadedModel, fmt: PromptFormat, labels: Sequence[str], shots: Sequence[Shot]) -> None:
        from engine.inference.classify import Classifier

        self.classifier = Classifier(model, fmt, labels, shots)

    def __call__(self, input_text: str) -> Answer:
        a = self.classifier.classify(input_text)
        return Answer(a.label, a.confidence, a.latency_ms, a.tokens)

    def many(self, input_texts: Sequence[str]) -> list[Answer]:
        return [Answer(a.label, a.confidence, a.latency_ms, a.tokens)
                for a in self.classifier.classify_many(input_texts)]


class _Writer:
    def __init__(self, model: LoadedModel, fmt: PromptFormat, shots: Sequence[Shot], max_tokens: int) -> None:
        self.model, self.fmt, self.shots, self.max_tokens = model, fmt, list(shots), max_tokens
        self.stop = [end_of_turn(fmt.chat_template).strip() or "\n"]

    def __call__(self, input_text: str) -> Answer:
        start = time.perf_counter()
        text, tokens = self.model.generate(self.fmt.prompt(input_text, self.shots), max_tokens=self.max_tokens,
                                           stop=self.stop)
        latency = (time.perf_counter() - start) * 1000
        return Answer(text.strip(), None, latency, tokens)

    def many(self, input_texts: Sequence[str]) -> list[Answer]:
        from engine.errors import DoesNotFit

        start = time.perf_counter()
        try:
            done = self.model.generate_many([self.fmt.prompt(t, self.shots) for t in input_texts],
                                            max_tokens=self.max_tokens, stop=self.stop)
        except DoesNotFit:
            return [self(t) for t in input_texts]
        latency = (time.perf_counter() - start) * 1000 / max(1, len(input_texts))
        return [Answer(text.strip(), None, latency, tokens) for text, tokens in done]


class _Extractor:
    def __init__(self, model: LoadedModel, fmt: PromptFormat, schema: dict[str, Any], shots: Sequence[Shot]) -> None:
        from engine.inference.extract import Extractor

        self.extractor = Extractor(model, PromptWithShots.of(fmt, shots), schema, MAX_NEW_TOKENS["extraction"])

    def __call__(self, input_text: str) -> Answer:
        import json

        e = self.extractor.extract(input_text)
        return Answer(json.dumps(e.value, ensure_ascii=False), e.confidence, e.latency_ms, e.tokens)

    def many(self, input_texts: Sequence[str]) -> list[Answer]:
        import json

        out = []
        for e in self.extractor.extract_many(input_texts):
            if isinstance(e, Exception):  # as one at a time: an answer that is not schema-valid fails the run
                raise e
            out.append(Answer(json.dumps(e.value, ensure_ascii=False), e.confidence, e.latency_ms, e.tokens))
        return out


def answerer_for(model: LoadedModel, task: TaskInfo, fmt: PromptFormat, shots: Sequence[Shot]) -> Answerer:
    if task.kind == "classification":
        return _Labeller(model, fmt, task.labels, shots)
    schema = task.spec.get("schema")
    if task.kind == "extraction" and isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
        return _Extractor(model, fmt, schema, shots)
    return _Writer(model, fmt, shots, MAX_NEW_TOKENS.get(task.kind, 256))
