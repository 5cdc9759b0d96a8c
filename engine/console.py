"""The operators' console, classification mode: one answer with a confidence, logged.

The input passes through the same PII redaction as imports before it reaches the
model or the call log; answers under the confidence threshold are flagged.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from engine.clock import now
from engine.errors import AirlockError, NotReady
from engine.store.models import ConsoleCall, DatasetVersion, ModelArtifact, Task, TrainingRun
from engine.workspace import Workspace

DEFAULT_THRESHOLD = 0.7

_models_lock = threading.Lock()
_loaded: dict[str, object] = {}


@dataclass(frozen=True)
class ConsoleAnswer:
    label: str
    confidence: float
    flagged: bool
    latency_ms: float
    redacted_input: str
    call_id: int


def _loaded_model(path: Path) -> object:
    from engine.inference.runtime import LoadedModel

    with _models_lock:
        key = str(path)
        if key not in _loaded:
            _loaded.clear()  # keep one model in memory
            _loaded[key] = LoadedModel(path)
        return _loaded[key]


def classify_text(ws: Workspace, artifact_id: int, text: str,
                  threshold: float | None = None) -> ConsoleAnswer:
    from engine.inference.classify import Classifier
    from engine.inference.runtime import LoadedModel
    from engine.tasks.prompt import PromptFormat

    if not text.strip():
        raise AirlockError("nothing to classify: the input is empty")
    art = ws.models.artifact(artifact_id)
    if art.kind != "gguf":
        raise AirlockError(f"model artifact {art.name} is not a GGUF model")
    if art.base_model_id is None:
        raise NotReady(f"model artifact {art.name} has no base model recorded")
    with ws.reader() as s:
        row = s.execute(select(Task.id).join(DatasetVersion, DatasetVersion.task_id == Task.id)
                        .join(TrainingRun, TrainingRun.dataset_version_id == DatasetVersion.id)
                        .join(ModelArtifact, ModelArtifact.run_id == TrainingRun.id)
                        .where(ModelArtifact.id == artifact_id)).first()
    if row is None:
        raise NotReady(f"model artifact {art.name} is not linked to a task")
    task = ws.tasks.get(int(row[0]))
    if task.kind != "classification":
        raise NotReady(f"task {task.name} is not a classification task")
    base = ws.models.base(art.base_model_id)
    _spans, redacted = ws.privacy.preview(text)
    model = _loaded_model(art.path)
    assert isinstance(model, LoadedModel)
    fmt = PromptFormat(task.system_prompt, task.user_template, base.chat_template or "")
    with _models_lock:
        answer = Classifier(model, fmt, task.labels).classify(redacted)
    limit = DEFAULT_THRESHOLD if threshold is None else threshold
    flagged = answer.confidence < limit
    with ws.unit() as s:
        call = ConsoleCall(artifact_id=artifact_id, model_sha256=art.sha256, mode="classify",
                           redacted_input=redacted, output=answer.label, confidence=answer.confidence,
                           flagged=flagged, latency_ms=answer.latency_ms, tokens=answer.tokens,
                           os_user=ws.identity.os_user, created_at=now())
        s.add(call)
        s.flush()
        ws.audit.record(s, "console.classified", f"console_call:{call.id}",
                        {"artifact": art.sha256, "label": answer.label,
                         "confidence": round(answer.confidence, 4), "flagged": flagged})
        call_id = call.id
    return ConsoleAnswer(answer.label, answer.confidence, flagged, answer.latency_ms, redacted, call_id)
