"""The cascade: the small model answers; an answer under the review threshold is asked again of a
second, larger local GGUF (the fallback the operator named), and goes to the review queue only if
the fallback is unsure too. Once a fallback is named, every console classification and extraction
(GUI, CLI, batch) goes through here.

The fallback is a workspace setting (``console.fallback_model``, a GGUF file path), checked when
it is set. It runs in its own inference process beside the console's model (both stay loaded),
under the same task prompt with its own chat template. Its confidence is its raw one unless the
file is also a registered artifact with a calibration. One console call is logged per question:
the final answer, who gave it, and the small model's answer in the audit details.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.console.calls import log_call
from engine.console.calls import threshold as limit_for
from engine.console.classify import _task, extraction_schema, redact
from engine.console.models import pick_model, using
from engine.errors import AirlockError, NotReady
from engine.evaluation.calibrate import calibrated_confidence
from engine.inference.runtime import LoadedModel
from engine.models.gguf_file import read_gguf
from engine.store.models import ModelArtifact
from engine.tasks.prompt import PromptFormat
from engine.tasks.service import TaskInfo

if TYPE_CHECKING:
    from engine.store.workspace_store import WorkspaceStore
    from engine.workspace import Workspace

FALLBACK_SETTING = "console.fallback_model"


@dataclass(frozen=True)
class CascadeAnswer:
    output: str  # the label, or the record's JSON text
    confidence: float
    flagged: bool  # still unsure after the fallback (or no fallback): in the review queue
    answered_by: str  # "model" or "fallback"
    escalated: bool
    small_output: str
    small_confidence: float
    latency_ms: float
    redacted_input: str
    call_id: int
    fields: dict[str, float] = field(default_factory=dict)  # extraction: per-field confidence of the answer


def fallback_path(ws: Workspace | WorkspaceStore) -> Path | None:
    raw = (ws.setting(FALLBACK_SETTING, "") or "").strip()
    return Path(raw) if raw else None


def set_fallback(ws: Workspace, path: Path | None) -> None:
    """Name the fallback GGUF (None or "" removes it); a file that is not a GGUF model with a chat
    template is refused, naming the file, and nothing is changed."""
    if path is None or not str(path).strip():
        ws.set_setting(FALLBACK_SETTING, "")
        return
    path = Path(path).expanduser().resolve()
    info = read_gguf(path)
    if not info.chat_template:
        raise AirlockError(f"{path}: the GGUF file has no chat template, so the task's prompt cannot be written "
                           "for it; pick a chat model")
    ws.set_setting(FALLBACK_SETTING, str(path))


def unload_fallback() -> None:
    """Let the fallback model of every workspace open in this process go."""
    from engine.console.service import unload_fallbacks

    unload_fallbacks()


def _artifact_at(ws: Workspace, path: Path) -> int | None:
    with ws.reader() as s:
        found = s.scalar(select(ModelArtifact.id).where(ModelArtifact.path == str(path)))
    return int(found) if found is not None else None


# (model, prompt, redacted input) -> (answer text, raw confidence, per-field confidences)
Ask = Callable[[LoadedModel, PromptFormat, str], tuple[str, float, dict[str, float]]]


def _cascade(ws: Workspace, artifact_id: int | None, text: str, task_id: int | None, threshold: float | None,
             kind: str, ask: Callable[[TaskInfo], Ask]) -> CascadeAnswer:
    ws.membership.require("operator", "the console")
    model = pick_model(ws, artifact_id)
    task = _task(ws, model, task_id, kind)
    asker = ask(task)
    redacted = redact(ws, text)
    limit = limit_for(ws, threshold)
    start = time.perf_counter()
    with using(ws, model.path) as loaded:
        small_out, small_raw, fields = asker(loaded, model.prompt_format(task), redacted)
    small_conf = calibrated_confidence(ws.evaluation, model.artifact.id, small_raw)
    output, confidence, by = small_out, small_conf, "model"
    fallback = fallback_path(ws)
    escalated = small_conf < limit and fallback is not None
    if escalated and fallback is not None:
        info = read_gguf(fallback)
        if not info.chat_template:
            raise NotReady(f"{fallback}: the fallback model has no chat template")
        fmt = PromptFormat(task.system_prompt, task.user_template, info.chat_template)
        with ws.console.fallback.using(fallback) as big:  # kept loaded beside the console's model
            output, raw, fields = asker(big, fmt, redacted)
        confidence, by = calibrated_confidence(ws.evaluation, _artifact_at(ws, fallback), raw), "fallback"
    latency = (time.perf_counter() - start) * 1000
    flagged = confidence < limit
    call_id = log_call(ws, artifact_id=model.artifact.id, model_sha256=model.artifact.sha256,
                       mode="classify" if kind == "classification" else "extract", redacted_input=redacted,
                       output=output, confidence=confidence, flagged=flagged, latency_ms=latency, tokens=0,
                       task_id=task.id, audit={"answered_by": by, "escalated": escalated, "output": output,
                                               "fallback": fallback.name if escalated and fallback else None,
                                               "model_output": small_out,
                                               "model_confidence": round(small_conf, 4)})
    return CascadeAnswer(output, confidence, flagged, by, escalated, small_out, small_conf, latency, redacted,
                         call_id, fields)


def cascade_classify(ws: Workspace, artifact_id: int | None, text: str, task_id: int | None = None,
                     threshold: float | None = None) -> CascadeAnswer:
    from engine.inference.classify import Classifier

    def ask(task: TaskInfo) -> Ask:
        def run(loaded: LoadedModel, fmt: PromptFormat, redacted: str) -> tuple[str, float, dict[str, float]]:
            c = Classifier(loaded, fmt, task.labels).classify(redacted)
            return c.label, c.confidence, {}
        return run

    return _cascade(ws, artifact_id, text, task_id, threshold, "classification", ask)


def cascade_extract(ws: Workspace, artifact_id: int | None, text: str, task_id: int | None = None,
                    threshold: float | None = None) -> CascadeAnswer:
    from engine.inference.extract import Extractor

    def ask(task: TaskInfo) -> Ask:
        schema = extraction_schema(task)

        def run(loaded: LoadedModel, fmt: PromptFormat, redacted: str) -> tuple[str, float, dict[str, float]]:
            e = Extractor(loaded, fmt, schema).extract(redacted)
            return json.dumps(e.value, ensure_ascii=False), e.confidence, e.fields
        return run

    return _cascade(ws, artifact_id, text, task_id, threshold, "extraction", ask)


def describe(answer: CascadeAnswer) -> dict[str, Any]:
    return {"answer": answer.output, "confidence": round(answer.confidence, 4), "flagged": answer.flagged,
            "answered_by": answer.answered_by, "escalated": answer.escalated,
            "model_answer": answer.small_output, "model_confidence": round(answer.small_confidence, 4),
            "latency_ms": round(answer.latency_ms, 1), "call_id": answer.call_id}
