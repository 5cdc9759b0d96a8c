"""The console service (``ws.console``): the link to the inference process, the call log, the review
queue and the local endpoint, for one workspace.

Built by the workspace with its store and the peer services it needs (models to pick from, tasks the
answers belong to, privacy to redact inputs, membership for the role checks). The models it keeps loaded
(engine/console/link.py) are this service's own and are let go when the workspace closes.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.console.calls import CallLog
from engine.console.endpoint_token import EndpointToken
from engine.console.link import ModelLink
from engine.console.models import ConsoleModel
from engine.console.review import ReviewQueue
from engine.errors import AirlockError, NotReady
from engine.inference.process import InferenceCrashed
from engine.inference.runtime import LoadedModel
from engine.models.gguf_file import read_gguf
from engine.store.models import DatasetVersion, ModelArtifact, Task, TrainingRun

if TYPE_CHECKING:
    from engine.console.server import LocalEndpoint
    from engine.members import MembershipService
    from engine.models.service import ArtifactInfo, ModelService
    from engine.privacy.service import PrivacyService
    from engine.store.workspace_store import WorkspaceStore
    from engine.tasks.service import TaskInfo, TaskService

_open: weakref.WeakSet[ConsoleService] = weakref.WeakSet()  # for unload_all(): every console in this process


class ConsoleService:
    def __init__(self, store: WorkspaceStore, membership: MembershipService, models: ModelService,
                 tasks: TaskService, privacy: PrivacyService) -> None:
        self.store = store
        self.membership = membership
        self.models = models
        self.tasks = tasks
        self.privacy = privacy
        self.link = ModelLink()  # the console's model
        self.fallback = ModelLink()  # the cascade's fallback model (engine/console/cascade.py)
        self.log = CallLog(store, membership)
        self.reviews = ReviewQueue(store, membership, tasks, self.log)
        self.token = EndpointToken(store, membership)
        _open.add(self)
        store.on_close(self.close)

    # -- the model ------------------------------------------------------------
    def gguf_artifacts(self) -> list[ArtifactInfo]:
        """Registered GGUF models, promoted first, then newest first."""
        arts = [a for a in self.models.artifacts() if a.kind == "gguf"]
        return sorted(arts, key=lambda a: (not a.promoted, -a.id))

    def task_of(self, artifact_id: int) -> TaskInfo | None:
        """The task the artifact was trained for (None: not trained here)."""
        with self.store.reader() as s:
            row = s.execute(select(Task.id).join(DatasetVersion, DatasetVersion.task_id == Task.id)
                            .join(TrainingRun, TrainingRun.dataset_version_id == DatasetVersion.id)
                            .join(ModelArtifact, ModelArtifact.run_id == TrainingRun.id)
                            .where(ModelArtifact.id == artifact_id)).first()
        return self.tasks.get(int(row[0])) if row else None

    def pick_model(self, artifact_id: int | None = None) -> ConsoleModel:
        """The artifact (default: the promoted GGUF, else the newest) with its task and chat template;
        a file that is not a GGUF model, or is truncated, is refused with the file named."""
        if artifact_id is None:
            arts = self.gguf_artifacts()
            if not arts:
                raise NotReady("no GGUF model is registered yet: export a training run first")
            art = arts[0]
        else:
            art = self.models.artifact(artifact_id)
            if art.kind != "gguf":
                raise AirlockError(f"model artifact {art.name} is a {art.kind}, not a GGUF model the console can run")
        info = read_gguf(art.path)
        template = info.chat_template
        if not template and art.base_model_id is not None:
            template = self.models.base(art.base_model_id).chat_template
        if not template:
            raise NotReady(f"model {art.name} has no chat template")
        return ConsoleModel(art, self.task_of(art.id), template)

    @contextmanager
    def using(self, path: Path) -> Iterator[LoadedModel]:
        """The loaded model for ``path`` (one kept in memory, in its inference process), held
        exclusively while in use. A crash of that process is recorded in the workspace's audit log
        and raised as one clear line; the model restarts by itself on the next call."""
        try:
            with self.link.using(path) as loaded:
                yield loaded
        except InferenceCrashed as exc:
            self.record_crash(path, exc)
            raise

    def record_crash(self, path: Path, exc: InferenceCrashed) -> None:
        with self.store.unit() as s:
            self.store.audit.record(s, "inference.crashed", f"model:{path.name}",
                                    {"outcome": exc.outcome, "message": str(exc)})

    def redact(self, text: str) -> str:
        """The console's input as it may be logged and answered: redacted with the workspace's own
        patterns, deny and allow lists, thresholds and operators, exactly as imports are."""
        if not text.strip():
            raise AirlockError("nothing to answer: the input is empty")
        settings = self.privacy.settings()
        return self.privacy.preview(text, settings.detection_config(), settings.operators)[1]

    # -- the endpoint -------------------------------------------------------------
    def endpoint(self, artifact_id: int | None = None, host: str | None = None,
                 port: int | None = None) -> LocalEndpoint:
        """The local OpenAI-style endpoint for one model (not started: ``start()`` or ``with``)."""
        from engine.console.server import LOOPBACK, PORT, LocalEndpoint

        return LocalEndpoint(self, artifact_id, host or LOOPBACK, PORT if port is None else port)

    # -- closing ------------------------------------------------------------------
    def unload(self) -> None:
        """Let the console's model go (its inference process ends); the next call loads it again."""
        self.link.close()

    def close(self) -> None:
        """Let every model this console keeps loaded go (the workspace is closing)."""
        self.link.close()
        self.fallback.close()
        _open.discard(self)


def unload_all() -> None:
    """Let every console's model in this process go (not the fallbacks: ``cascade.unload_fallback``)."""
    for console in list(_open):
        console.unload()


def unload_fallbacks() -> None:
    for console in list(_open):
        console.fallback.close()
