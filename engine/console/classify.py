"""The operators' console, classification and extraction: one answer with a confidence, logged.

The input passes through the same PII detection as imports before it reaches the model or the
call log; answers under the confidence threshold are flagged. Extraction pseudonymises the input
reversibly (``engine.console.pseudonyms``): the log keeps placeholders, the operator sees the values.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from engine.console.calls import log_call
from engine.console.calls import threshold as limit_for
from engine.console.models import ConsoleModel, pick_model, using
from engine.console.pseudonyms import Pseudonymised, may_see_values, pseudonymise
from engine.errors import AirlockError, NotReady
from engine.evaluation.calibrate import calibrated_confidence
from engine.tasks.service import TaskInfo

if TYPE_CHECKING:
    from engine.inference.classify import Classification
    from engine.inference.extract import Extraction
    from engine.workspace import Workspace

T = TypeVar("T")
In = TypeVar("In")
Raw = TypeVar("Raw")
Out = TypeVar("Out")


@dataclass(frozen=True)
class ConsoleAnswer:
    label: str
    confidence: float
    flagged: bool
    latency_ms: float
    redacted_input: str
    call_id: int


@dataclass(frozen=True)
class ExtractionAnswer:
    """``value``/``text``: what the operator sees and exports, the input's placeholders mapped back to the
    real values (when the role permits; else the placeholders); ``logged_text``: what the call log, the
    review queue and any example made from it hold (placeholders only)."""

    value: dict[str, Any]
    text: str
    confidence: float
    fields: dict[str, float]
    flagged: bool
    latency_ms: float
    redacted_input: str
    call_id: int
    logged_text: str = ""
    revealed: bool = False


def redact(ws: Workspace, text: str) -> str:
    """The console's input as it may be logged and answered: redacted with the workspace's own
    patterns, deny and allow lists, thresholds and operators, exactly as imports are."""
    return ws.console.redact(text)


def _task(ws: Workspace, model: ConsoleModel, task_id: int | None, kind: str) -> TaskInfo:
    task = ws.tasks.get(task_id) if task_id is not None else model.task
    if task is None:
        raise NotReady(f"model artifact {model.artifact.name} is not linked to a task; pick a task")
    if task.kind != kind:
        raise NotReady(f"task {task.name} is a {task.kind} task, not {kind}")
    return task


def classify_text(ws: Workspace, artifact_id: int | None, text: str, threshold: float | None = None,
                  task_id: int | None = None) -> ConsoleAnswer:
    ws.membership.require("operator", "the console")
    from engine.console import cascade
    from engine.inference.classify import Classifier

    if cascade.fallback_path(ws) is not None:  # a fallback is named: unsure answers are asked again of it
        c = cascade.cascade_classify(ws, artifact_id, text, task_id, threshold)
        return ConsoleAnswer(c.output, c.confidence, c.flagged, c.latency_ms, c.redacted_input, c.call_id)

    model = pick_model(ws, artifact_id)
    task = _task(ws, model, task_id, "classification")
    redacted = redact(ws, text)
    with using(ws, model.path) as loaded:
        answer = Classifier(loaded, model.prompt_format(task), task.labels).classify(redacted)
    return _logged_label(ws, model, task, redacted, answer, threshold)


def classify_texts(ws: Workspace, artifact_id: int | None, texts: Sequence[str], threshold: float | None = None,
                   task_id: int | None = None) -> list[ConsoleAnswer | AirlockError]:
    """Several inputs, each answered and logged exactly as ``classify_text`` answers it, decoded together
    (``Classifier.classify_many``); an input that cannot be answered (empty) gets its error in its place."""
    ws.membership.require("operator", "the console")
    from engine.console import cascade
    from engine.inference.classify import Classifier

    if cascade.fallback_path(ws) is not None:  # unsure answers go on to the fallback one by one
        return [_or_error(classify_text, ws, artifact_id, t, threshold, task_id) for t in texts]
    model = pick_model(ws, artifact_id)
    task = _task(ws, model, task_id, "classification")
    inputs = [_or_error(redact, ws, t) for t in texts]
    ready = [i for i in inputs if isinstance(i, str)]
    answers: list[Classification] = []
    if ready:
        with using(ws, model.path) as loaded:
            answers = Classifier(loaded, model.prompt_format(task), task.labels).classify_many(ready)
    return _in_place(inputs, answers, lambda text, answer: _logged_label(ws, model, task, text, answer, threshold))


def _logged_label(ws: Workspace, model: ConsoleModel, task: TaskInfo, redacted: str, answer: Classification,
                  threshold: float | None) -> ConsoleAnswer:
    confidence = calibrated_confidence(ws.evaluation, model.artifact.id, answer.confidence)  # expected accuracy
    flagged = confidence < limit_for(ws, threshold)
    call_id = log_call(ws, artifact_id=model.artifact.id, model_sha256=model.artifact.sha256, mode="classify",
                       redacted_input=redacted, output=answer.label, confidence=confidence, flagged=flagged,
                       latency_ms=answer.latency_ms, tokens=answer.tokens, task_id=task.id,
                       audit={"label": answer.label, "raw_confidence": round(answer.confidence, 4)})
    return ConsoleAnswer(answer.label, confidence, flagged, answer.latency_ms, redacted, call_id)


def _in_place(inputs: Sequence[In | AirlockError], answers: Sequence[Raw | AirlockError],
              log: Callable[[In, Raw], Out]) -> list[Out | AirlockError]:
    """Each input's logged answer, or its error, in the inputs' order: ``answers`` holds one answer (or
    error) for each input that was not already an error."""
    found = iter(answers)
    out: list[Out | AirlockError] = []
    for i in inputs:
        if isinstance(i, AirlockError):
            out.append(i)
            continue
        answer = next(found)
        out.append(answer if isinstance(answer, AirlockError) else log(i, answer))
    return out


def _or_error(fn: Callable[..., T], *args: Any) -> T | AirlockError:
    try:
        return fn(*args)
    except AirlockError as exc:
        return exc


def extraction_schema(task: TaskInfo) -> dict[str, Any]:
    schema = task.spec.get("schema")
    if not isinstance(schema, dict):
        raise NotReady(f"task {task.name} has no JSON schema (task spec {{\"schema\": {{...}}}})")
    return schema


def extract_text(ws: Workspace, artifact_id: int | None, text: str, task_id: int | None = None,
                 threshold: float | None = None) -> ExtractionAnswer:
    ws.membership.require("operator", "the console")
    from engine.console import cascade
    from engine.inference.extract import Extractor

    if cascade.fallback_path(ws) is not None:
        c = cascade.cascade_extract(ws, artifact_id, text, task_id, threshold)
        return ExtractionAnswer(json.loads(c.output), c.output, c.confidence, c.fields, c.flagged, c.latency_ms,
                                c.redacted_input, c.call_id)

    model = pick_model(ws, artifact_id)
    task = _task(ws, model, task_id, "extraction")
    schema = extraction_schema(task)
    pseudo = pseudonymise(ws, text)  # reversible within this call only
    with using(ws, model.path) as loaded:
        result = Extractor(loaded, model.prompt_format(task), schema).extract(pseudo.text)
    return _logged_record(ws, model, task, pseudo, result, threshold)


def extract_texts(ws: Workspace, artifact_id: int | None, texts: Sequence[str], task_id: int | None = None,
                  threshold: float | None = None) -> list[ExtractionAnswer | AirlockError]:
    """Several inputs, each answered and logged exactly as ``extract_text`` answers it, generated and
    re-scored together (``Extractor.extract_many``); an input that cannot be answered gets its error."""
    ws.membership.require("operator", "the console")
    from engine.console import cascade
    from engine.inference.extract import Extractor

    if cascade.fallback_path(ws) is not None:
        return [_or_error(extract_text, ws, artifact_id, t, task_id, threshold) for t in texts]
    model = pick_model(ws, artifact_id)
    task = _task(ws, model, task_id, "extraction")
    schema = extraction_schema(task)
    inputs = [_or_error(pseudonymise, ws, t) for t in texts]
    ready = [i for i in inputs if isinstance(i, Pseudonymised)]
    results: list[Extraction | AirlockError] = []
    if ready:
        with using(ws, model.path) as loaded:
            results = Extractor(loaded, model.prompt_format(task), schema).extract_many([p.text for p in ready])
    return _in_place(inputs, results, lambda pseudo, result: _logged_record(ws, model, task, pseudo, result, threshold))


def _logged_record(ws: Workspace, model: ConsoleModel, task: TaskInfo, pseudo: Pseudonymised, result: Extraction,
                   threshold: float | None) -> ExtractionAnswer:
    confidence = calibrated_confidence(ws.evaluation, model.artifact.id, result.confidence)  # expected accuracy
    flagged = confidence < limit_for(ws, threshold)
    output = json.dumps(result.value, ensure_ascii=False)
    call_id = log_call(ws, artifact_id=model.artifact.id, model_sha256=model.artifact.sha256, mode="extract",
                       redacted_input=pseudo.text, output=output, confidence=confidence, flagged=flagged,
                       latency_ms=result.latency_ms, tokens=result.tokens, task_id=task.id,
                       audit={"fields": {k: round(v, 4) for k, v in result.fields.items()},
                              "raw_confidence": round(result.confidence, 4)})
    reveal = may_see_values(ws)
    shown = pseudo.reveal_value(result.value) if reveal else result.value
    return ExtractionAnswer(shown, json.dumps(shown, ensure_ascii=False), confidence, result.fields, flagged,
                            result.latency_ms, pseudo.text, call_id, logged_text=output, revealed=reveal)
