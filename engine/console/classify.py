"""The operators' console, classification and extraction: one answer with a confidence, logged.

The input passes through the same PII detection as imports before it reaches the model or the
call log; answers under the confidence threshold are flagged. Extraction pseudonymises the input
reversibly (``engine.console.pseudonyms``): the log keeps placeholders, the operator sees the values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.console.calls import log_call
from engine.console.calls import threshold as limit_for
from engine.console.models import ConsoleModel, pick_model, using
from engine.console.pseudonyms import may_see_values, pseudonymise
from engine.errors import NotReady
from engine.evaluation.calibrate import calibrated_confidence
from engine.tasks.service import TaskInfo

if TYPE_CHECKING:
    from engine.workspace import Workspace


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
    confidence = calibrated_confidence(ws.evaluation, model.artifact.id, answer.confidence)  # expected accuracy
    flagged = confidence < limit_for(ws, threshold)
    call_id = log_call(ws, artifact_id=model.artifact.id, model_sha256=model.artifact.sha256, mode="classify",
                       redacted_input=redacted, output=answer.label, confidence=confidence, flagged=flagged,
                       latency_ms=answer.latency_ms, tokens=answer.tokens, task_id=task.id,
                       audit={"label": answer.label, "raw_confidence": round(answer.confidence, 4)})
    return ConsoleAnswer(answer.label, confidence, flagged, answer.latency_ms, redacted, call_id)


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
    redacted = pseudo.text
    with using(ws, model.path) as loaded:
        result = Extractor(loaded, model.prompt_format(task), schema).extract(redacted)
    confidence = calibrated_confidence(ws.evaluation, model.artifact.id, result.confidence)  # expected accuracy
    flagged = confidence < limit_for(ws, threshold)
    output = json.dumps(result.value, ensure_ascii=False)
    call_id = log_call(ws, artifact_id=model.artifact.id, model_sha256=model.artifact.sha256, mode="extract",
                       redacted_input=redacted, output=output, confidence=confidence, flagged=flagged,
                       latency_ms=result.latency_ms, tokens=result.tokens, task_id=task.id,
                       audit={"fields": {k: round(v, 4) for k, v in result.fields.items()},
                              "raw_confidence": round(result.confidence, 4)})
    reveal = may_see_values(ws)
    shown = pseudo.reveal_value(result.value) if reveal else result.value
    return ExtractionAnswer(shown, json.dumps(shown, ensure_ascii=False), confidence, result.fields, flagged,
                            result.latency_ms, redacted, call_id, logged_text=output, revealed=reveal)
