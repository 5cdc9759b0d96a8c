"""Which model the console talks to: the picked model, and the functions that reach it.

Any registered GGUF model can be picked; without a choice the promoted one is used
(else the newest). The file is checked with ``read_gguf`` before llama.cpp opens it,
so a file that is not a GGUF model, or is truncated, is refused with a clear message.
The one copy kept loaded belongs to the workspace's console service (engine/console/service.py).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import NotReady
from engine.models.service import ArtifactInfo
from engine.tasks.prompt import PromptFormat
from engine.tasks.service import TaskInfo

if TYPE_CHECKING:
    from engine.inference.process import InferenceCrashed
    from engine.inference.runtime import LoadedModel
    from engine.workspace import Workspace


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


# The module's functions, as before: they go through the workspace's console service (ws.console),
# which keeps the loaded model for its workspace and lets it go when the workspace closes.
def gguf_artifacts(ws: Workspace) -> list[ArtifactInfo]:
    """Registered GGUF models, promoted first, then newest first."""
    return ws.console.gguf_artifacts()


def task_of(ws: Workspace, artifact_id: int) -> TaskInfo | None:
    return ws.console.task_of(artifact_id)


def pick_model(ws: Workspace, artifact_id: int | None = None) -> ConsoleModel:
    return ws.console.pick_model(artifact_id)


def using(ws: Workspace, path: Path) -> AbstractContextManager[LoadedModel]:
    """The workspace console's loaded model for ``path`` (``ConsoleService.using``)."""
    return ws.console.using(path)


def record_crash(ws: Workspace, path: Path, exc: InferenceCrashed) -> None:
    ws.console.record_crash(path, exc)


def unload_all() -> None:
    """Let the console model of every workspace open in this process go."""
    from engine.console.service import unload_all as unload_every_console

    unload_every_console()
