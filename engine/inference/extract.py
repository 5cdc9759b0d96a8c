"""Schema-constrained extraction with a confidence that means something.

Generation runs under a llama.cpp grammar built from the task's JSON schema, so the
output always parses and validates. The grammar masks what the model may write, so the
confidence is read from the *unconstrained* distribution at the answer's own tokens,
field by field:

- a field whose schema allows a finite set of values (``enum``, ``const``, ``boolean``)
  gets the probability share of the chosen value among the allowed ones, each scored as
  a complete JSON value right after the answer's tokens before that value (what a
  classifier does);
- any other field gets the geometric mean of the probabilities of the answer tokens that
  spell its value (length-independent), recorded while it was generated;
- the answer's confidence is the lowest field confidence: one doubtful field makes
  the whole answer doubtful.

Only the alternatives of finite fields are decoded after the answer; in a batch they start
from the sequence the generation kept (``engine.inference.batched``).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import AirlockError, DoesNotFit
from engine.inference.runtime import Answer, LoadedModel
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
        self._tokens: dict[str, list[int]] = {}  # candidate texts tokenized

    def extract(self, input_text: str) -> Extraction:
        start = time.perf_counter()
        prompt = self.fmt.prompt(input_text)
        text = "".join(self.model.stream(prompt, max_tokens=self.max_tokens, schema=self.schema))
        generated = self.model.last_evaluated
        value = self._parse(text)
        prompt_tokens = self.model.tokenize(prompt, add_bos=True)
        answer = self.model.answer_details(prompt_tokens, text)
        evaluated = self.model.last_evaluated
        fields: dict[str, float] = {}
        for step in self._plan(value, answer):
            if step.free is not None:
                fields[step.key] = step.free
            else:
                logps = self.model.score(prompt_tokens + step.context, step.candidates)
                evaluated += self.model.last_evaluated
                fields[step.key] = step.share(logps)
        confidence = min(fields.values()) if fields else 1.0
        latency = (time.perf_counter() - start) * 1000
        return Extraction(value, text, confidence, fields, latency, generated + evaluated)

    def extract_many(self, input_texts: Sequence[str]) -> list[Extraction | AirlockError]:
        """The same answers as ``extract`` for each input, generated and scored together; an input
        whose answer is not schema-valid JSON gets its error in its place. Inputs too long for the
        batching context are answered one at a time (the single-input context is larger)."""
        if not input_texts:
            return []
        start = time.perf_counter()
        prompts = [self.fmt.prompt(t) for t in input_texts]
        try:
            answers = self.model.generate_answers(prompts, max_tokens=self.max_tokens, schema=self.schema)
        except DoesNotFit:
            return [self._one(t) for t in input_texts]
        evaluated = self.model.last_evaluated
        values: list[dict[str, Any] | AirlockError] = []
        for answer in answers:
            try:
                values.append(self._parse(answer.text))
            except AirlockError as exc:
                values.append(exc)
        plans = [self._plan(v, a) if isinstance(v, dict) else [] for v, a in zip(values, answers, strict=True)]
        groups, owners = [], []
        for i, (prompt, plan) in enumerate(zip(prompts, plans, strict=True)):
            finite = [step for step in plan if step.free is None]
            if finite:
                # the tokens all alternatives come after: in the sequence the generation kept
                at = _common_start([step.context for step in finite])
                branches = [(step.context[at:], c) for step in finite for c in step.candidates]
                groups.append((self.model.tokenize(prompt, add_bos=True) + finite[0].context[:at], branches))
                owners.append(i)
        try:
            scored = self.model.score_many(groups) if groups else []
        except DoesNotFit:
            return [self._one(t) for t in input_texts]
        logps_of = dict(zip(owners, scored, strict=True))
        n = len(input_texts)
        latency = (time.perf_counter() - start) * 1000 / n
        tokens = -(-(evaluated + (self.model.last_evaluated if groups else 0)) // n)
        out: list[Extraction | AirlockError] = []
        for i, (answer, value, plan) in enumerate(zip(answers, values, plans, strict=True)):
            if isinstance(value, AirlockError):
                out.append(value)
                continue
            logps = logps_of.get(i, [])
            fields: dict[str, float] = {}
            for step in plan:
                if step.free is not None:
                    fields[step.key] = step.free
                else:
                    fields[step.key] = step.share([sum(logps.pop(0)) for _ in step.candidates])
            out.append(Extraction(value, answer.text, min(fields.values()) if fields else 1.0, fields, latency,
                                  tokens))
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

    def _plan(self, value: dict[str, Any], answer: Answer) -> list[_FieldScore]:
        """What each field's confidence is read from, located in the answer's own tokens."""
        props: dict[str, Any] = self.schema["properties"]
        spans = value_spans(answer.text)
        raw = answer.text.encode("utf-8")
        steps: list[_FieldScore] = []
        for key in (k for k in value if k in props and k in spans):
            lo, hi = (len(answer.text[:i].encode("utf-8")) for i in spans[key])
            starts = [0, *answer.ends[:-1]]
            inside = [i for i, (a, b) in enumerate(zip(starts, answer.ends, strict=True)) if a < hi and b > lo]
            choices = finite_choices(props[key])
            if choices is not None and value[key] in choices:
                # scored from the start of the token the value begins in (a value may share it)
                at = inside[0] if inside else len(answer.tokens)
                lead = raw[starts[at] if inside else (answer.ends or [0])[-1]:lo].decode("utf-8", errors="ignore")
                cands = [self._candidate(lead + json.dumps(c)) for c in choices]
                # tokens every alternative begins with add the same to each: context, not scored
                same = _common_start(cands, own=1)
                context = answer.tokens[:at] + cands[0][:same]
                steps.append(_FieldScore(key, context, [c[same:] for c in cands], choices.index(value[key]), None))
            else:
                logps = [answer.logprobs[i] for i in inside]
                free = math.exp(sum(logps) / len(logps)) if logps else 0.0
                steps.append(_FieldScore(key, [], [], None, free))
        return steps

    def _candidate(self, text: str) -> list[int]:
        if text not in self._tokens:
            self._tokens[text] = self.model.tokenize(text, add_bos=False)
        return self._tokens[text]


def _common_start(token_lists: Sequence[list[int]], own: int = 0) -> int:
    """How many tokens all lists begin with, leaving each at least ``own`` tokens of its own."""
    n = min(len(t) for t in token_lists) - own
    i = 0
    while i < n and all(t[i] == token_lists[0][i] for t in token_lists):
        i += 1
    return max(0, i)


def value_spans(text: str) -> dict[str, tuple[int, int]]:
    """Where each top-level value of a JSON object (already known to parse) is written in ``text``."""
    decoder = json.JSONDecoder()

    def skip(i: int) -> int:
        while i < len(text) and text[i] in " \t\n\r":
            i += 1
        return i

    i = skip(text.index("{") + 1)
    spans: dict[str, tuple[int, int]] = {}
    while i < len(text) and text[i] == '"':
        key, i = decoder.raw_decode(text, i)
        i = skip(skip(i) + 1)  # past the colon
        _value, end = decoder.raw_decode(text, i)
        spans[key] = (i, end)
        i = skip(end)
        if i < len(text) and text[i] == ",":
            i = skip(i + 1)
    return spans


@dataclass(frozen=True)
class _FieldScore:
    """One field. A finite field scores each allowed value (``candidates``) after the prompt and
    ``context`` (the answer tokens before its value, and the tokens all values begin with), and
    ``chosen`` is the answer's; a free field's confidence (``free``) is known from its tokens."""

    key: str
    context: list[int]
    candidates: list[list[int]]
    chosen: int | None
    free: float | None

    def share(self, totals: list[float]) -> float:
        """The chosen value's probability share, from each candidate's total log-probability."""
        top = max(totals)
        weights = [math.exp(t - top) for t in totals]
        return weights[self.chosen or 0] / sum(weights)
