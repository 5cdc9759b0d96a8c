"""Schema-constrained extraction with a confidence that means something.

Generation runs under a llama.cpp grammar built from the task's JSON schema, so the
output always parses and validates. The log-probabilities llama.cpp reports under a
grammar come from the unconstrained distribution *before* the grammar masks it, so
they mix the model's belief about the content with its (irrelevant) belief about JSON
syntax. The confidence is therefore computed afterwards, by re-scoring the finished
answer with the unconstrained model, field by field:

- a field whose schema allows a finite set of values (``enum``, ``const``, ``boolean``)
  gets the probability share of the chosen value among the allowed ones, each scored
  as a complete JSON value in the same position (what a classifier does);
- any other field gets the geometric mean of the probabilities of the tokens that
  spell its value (length-independent);
- the answer's confidence is the lowest field confidence: one doubtful field makes
  the whole answer doubtful.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import AirlockError, DoesNotFit
from engine.inference.runtime import LoadedModel
from engine.tasks.prompt import PromptFormat


@dataclass(frozen=True)
class Extraction:
    value: dict[str, Any]
    text: str
    confidence: float
    fields: dict[str, float]
    latency_ms: float
    tokens: int


def object_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The task's schema, checked to be a JSON Schema for an object with properties."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise AirlockError(f"the task's JSON schema is invalid: {exc.message}") from exc
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        raise AirlockError("an extraction schema must describe an object with properties")
    return schema


def finite_choices(prop: dict[str, Any]) -> list[Any] | None:
    if "enum" in prop:
        return list(prop["enum"])
    if "const" in prop:
        return [prop["const"]]
    if prop.get("type") == "boolean":
        return [True, False]
    return None


class Extractor:
    def __init__(self, model: LoadedModel, fmt: PromptFormat, schema: dict[str, Any], max_tokens: int = 256) -> None:
        self.model = model
        self.fmt = fmt
        self.schema = object_schema(schema)
        self.max_tokens = max_tokens

    def extract(self, input_text: str) -> Extraction:
        start = time.perf_counter()
        prompt = self.fmt.prompt(input_text)
        text = "".join(self.model.stream(prompt, max_tokens=self.max_tokens, schema=self.schema))
        generated = self.model.last_evaluated
        value = self._parse(text)
        fields = self.field_confidences(prompt, value)
        confidence = min(fields.values()) if fields else 1.0
        latency = (time.perf_counter() - start) * 1000
        return Extraction(value, text, confidence, fields, latency, generated + self.model.last_evaluated)

    def extract_many(self, input_texts: Sequence[str]) -> list[Extraction | AirlockError]:
        """The same answers as ``extract`` for each input, generated and re-scored together; an
        input whose answer is not schema-valid JSON gets its error in its place. Inputs too long
        for the batching context are answered one at a time (the single-input context is larger)."""
        if not input_texts:
            return []
        start = time.perf_counter()
        prompts = [self.fmt.prompt(t) for t in input_texts]
        try:
            done = self.model.generate_many(prompts, max_tokens=self.max_tokens, schema=self.schema)
        except DoesNotFit:
            return [self._one(t) for t in input_texts]
        evaluated = self.model.last_evaluated
        values: list[dict[str, Any] | AirlockError] = []
        for text, _ in done:
            try:
                values.append(self._parse(text))
            except AirlockError as exc:
                values.append(exc)
        plans = [self._plan(v) if isinstance(v, dict) else [] for v in values]
        groups = [(self.model.tokenize(p, add_bos=True), [b for step in plan for b in step.branches])
                  for p, plan in zip(prompts, plans, strict=True)]
        try:
            scored = self.model.score_many(groups) if any(g[1] for g in groups) else [[] for _ in groups]
        except DoesNotFit:
            return [self._one(t) for t in input_texts]
        n = len(input_texts)
        latency = (time.perf_counter() - start) * 1000 / n
        tokens = -(-(evaluated + self.model.last_evaluated) // n)
        out: list[Extraction | AirlockError] = []
        for (text, _), value, plan, logps in zip(done, values, plans, scored, strict=True):
            if isinstance(value, AirlockError):
                out.append(value)
                continue
            fields: dict[str, float] = {}
            for step in plan:
                fields[step.key] = step.confidence([logps.pop(0) for _ in step.branches])
            out.append(Extraction(value, text, min(fields.values()) if fields else 1.0, fields, latency, tokens))
        return out

    def _one(self, input_text: str) -> Extraction | AirlockError:
        try:
            return self.extract(input_text)
        except AirlockError as exc:
            return exc

    def _parse(self, text: str) -> dict[str, Any]:
        from jsonschema import validate

        try:
            value = json.loads(text)
            validate(value, self.schema)
        except ValueError as exc:  # JSONDecodeError and ValidationError are ValueErrors
            raise AirlockError(f"the model's answer did not complete within {self.max_tokens} tokens "
                               f"as schema-valid JSON: {text[:200]!r}") from exc
        return dict(value)

    def _plan(self, value: dict[str, Any]) -> list[_FieldScore]:
        """What to score for each field: the context after the prompt, and the candidates."""
        props: dict[str, Any] = self.schema["properties"]
        steps: list[_FieldScore] = []
        prefix = "{"
        for i, key in enumerate(k for k in value if k in props):
            prefix += ("" if i == 0 else ",") + json.dumps(key) + ":"
            tail = self.model.tokenize(prefix, add_bos=False)
            chosen = " " + json.dumps(value[key])
            choices = finite_choices(props[key])
            if choices is not None and value[key] in choices:
                cands = [self.model.tokenize(" " + json.dumps(c), add_bos=False) for c in choices]
                steps.append(_FieldScore(key, [(tail, c) for c in cands], choices.index(value[key])))
            else:
                steps.append(_FieldScore(key, [(tail, self.model.tokenize(chosen, add_bos=False))], None))
            prefix += chosen
        return steps

    def field_confidences(self, prompt: str, value: dict[str, Any]) -> dict[str, float]:
        """Re-score the answer, written canonically, field by field with the unconstrained model."""
        prompt_tokens = self.model.tokenize(prompt, add_bos=True)
        result: dict[str, float] = {}
        for step in self._plan(value):
            tail = step.branches[0][0]
            context = prompt_tokens + tail
            if step.chosen is not None:
                logps = self.model.score(context, [c for _, c in step.branches])
                result[step.key] = step.confidence([[lp] for lp in logps])
            else:
                result[step.key] = step.confidence([self.model.token_logprobs(context, step.branches[0][1])])
        return result


@dataclass(frozen=True)
class _FieldScore:
    """One field's re-scoring: (context tail, candidate tokens) branches; ``chosen`` is the index of
    the chosen value among finite choices, or None for a free value (one branch)."""

    key: str
    branches: list[tuple[list[int], list[int]]]
    chosen: int | None

    def confidence(self, logps: list[list[float]]) -> float:
        """From each branch's per-token log-probabilities."""
        if self.chosen is None:
            return math.exp(sum(logps[0]) / max(1, len(logps[0])))
        totals = [sum(lp) for lp in logps]
        top = max(totals)
        weights = [math.exp(t - top) for t in totals]
        return weights[self.chosen] / sum(weights)
