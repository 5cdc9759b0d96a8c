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
from dataclasses import dataclass
from typing import Any

from engine.errors import AirlockError
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
        from jsonschema import validate

        start = time.perf_counter()
        prompt = self.fmt.prompt(input_text)
        text = "".join(self.model.stream(prompt, max_tokens=self.max_tokens, schema=self.schema))
        generated = self.model.last_evaluated
        try:
            value = json.loads(text)
            validate(value, self.schema)
        except ValueError as exc:  # JSONDecodeError and ValidationError are ValueErrors
            raise AirlockError(f"the model's answer did not complete within {self.max_tokens} tokens "
                               f"as schema-valid JSON: {text[:200]!r}") from exc
        fields = self.field_confidences(prompt, value)
        confidence = min(fields.values()) if fields else 1.0
        latency = (time.perf_counter() - start) * 1000
        return Extraction(value, text, confidence, fields, latency, generated + self.model.last_evaluated)

    def field_confidences(self, prompt: str, value: dict[str, Any]) -> dict[str, float]:
        """Re-score the answer, written canonically, field by field with the unconstrained model."""
        props: dict[str, Any] = self.schema["properties"]
        prompt_tokens = self.model.tokenize(prompt, add_bos=True)
        result: dict[str, float] = {}
        prefix = "{"
        keys = [k for k in value if k in props]
        for i, key in enumerate(keys):
            prefix += ("" if i == 0 else ",") + json.dumps(key) + ":"
            context = prompt_tokens + self.model.tokenize(prefix, add_bos=False)
            chosen = " " + json.dumps(value[key])
            choices = finite_choices(props[key])
            if choices is not None and value[key] in choices:
                cands = [self.model.tokenize(" " + json.dumps(c), add_bos=False) for c in choices]
                logps = self.model.score(context, cands)
                top = max(logps)
                weights = [math.exp(lp - top) for lp in logps]
                result[key] = weights[choices.index(value[key])] / sum(weights)
            else:
                answer = self.model.tokenize(chosen, add_bos=False)
                logps = self.model.token_logprobs(context, answer)
                result[key] = math.exp(sum(logps) / max(1, len(logps)))
            prefix += chosen
        return result
