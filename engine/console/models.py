"""Which model the console talks to, and the one copy of it kept loaded.

Any registered GGUF model can be picked; without a choice the promoted one is used
(else the newest). The file is checked with ``read_gguf`` before llama.cpp opens it,
so a file that is not a GGUF model, or is truncated, is refused with a clear message.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.errors import AirlockError, NotReady
from engine.inference.process import InferenceCrashed
from engine.inference.runtime import LoadedModel
from engine.models.gguf_file import read_gguf
from engine.models.service import ArtifactInfo
from engine.store.models import DatasetVersion, ModelArtifact, Task, TrainingRun
from engine.tasks.prompt import PromptFormat
from engine.tasks.service import TaskInfo

if TYPE_CHECKING:
    from engine.workspace import Workspace

_lock = threading.RLock()
_loaded: dict[str, LoadedModel] = {}


@dataclass(frozen=True)
class ConsoleModel:
    """A picked model: the artifact, the task it was trained for (if any) and its chat template."""

    artifact: ArtifactInfo
    task: TaskInfo | None
    chat_template: str

    @property
    def path(self) -> Path:
        return self.artifact.path

    def prompt_format(self, task: TaskInfo | None = None) -> PromptFormat:
        task = task or self.task
        if task is None:
            raise NotReady(f"model {self.artifact.name} is not linked to a task; pick a task")
        return PromptFormat(task.system_prompt, task.user_template, self.chat_template)


def gguf_artifacts(ws: Workspace) -> list[ArtifactInfo]:
    """Registered GGUF models, promoted first, then newest first."""
    arts = [a for a in ws.models.artifacts() if a.kind == "gguf"]
    return sorted(arts, key=lambda a: (not a.promoted, -a.id))


def task_of(ws: Workspace, artifact_id: int) -> TaskInfo | None:
    with ws.reader() as s:
        row = s.execute(select(Task.id).join(DatasetVersion, DatasetVersion.task_id == Task.id)
                        .join(TrainingRun, TrainingRun.dataset_version_id == DatasetVersion.id)
                        .join(ModelArtifact, ModelArtifact.run_id == TrainingRun.id)
                        .where(ModelArtifact.id == artifact_id)).first()
    return ws.tasks.get(int(row[0])) if row else None


def pick_model(ws: Workspace, artifact_id: int | None = None) -> ConsoleModel:
    if artifact_id is None:
        arts = gguf_artifacts(ws)
        if not arts:
            raise NotReady("no GGUF model is registered yet: export a training run first")
        art = arts[0]
    else:
        art = ws.models.artifact(artifact_id)
        if art.kind != "gguf":
            raise AirlockError(f"model artifact {art.name} is a {art.kind}, not a GGUF model the console can run")
    info = read_gguf(art.path)  # refuses a non-GGUF or truncated file with the file named
    template = info.chat_template
    if not template and art.base_model_id is not None:
        template = ws.models.base(art.base_model_id).chat_template
    if not template:
        raise NotReady(f"model {art.name} has no chat template")
    return ConsoleModel(art, task_of(ws, art.id), template)


@contextmanager
def using(ws: Workspace, path: Path) -> Iterator[LoadedModel]:
    """The loaded model for ``path`` (one kept in memory, in its inference process), held
    exclusively while in use. A crash of that process is recorded in the workspace's audit log
    and raised as one clear line; the model restarts by itself on the next call."""
    with _lock:
        key = str(path)
        try:
            if key not in _loaded:
                for old in _loaded.values():
                    old.close()
                _loaded.clear()
                _loaded[key] = LoadedModel(path)
            yield _loaded[key]
        except InferenceCrashed as exc:
            record_crash(ws, path, exc)
            raise


def record_crash(ws: Workspace, path: Path, exc: InferenceCrashed) -> None:
    with ws.unit() as s:
        ws.audit.record(s, "inference.crashed", f"model:{path.name}", {"outcome": exc.outcome, "message": str(exc)})


def unload_all() -> None:
    with _lock:
        for model in _loaded.values():
            model.close()
        _loaded.clear()
