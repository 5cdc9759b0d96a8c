"""The workspace facade: one folder, one SQLite database, one blob store.

``Workspace.open`` opens the store (engine/store/workspace_store.py: it applies pending migrations,
backing the database up first) and hands out one service per domain, each built with the store and
the peer services it needs. Each service call is one unit of work and returns plain dataclasses,
never live ORM objects. Closing the workspace closes the store and what its services hold (the
console's loaded models).
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine.audit import AuditLog
from engine.blobs import BlobStore
from engine.clock import now
from engine.errors import WorkspaceInUse, WorkspaceNotFound
from engine.identity import Identity
from engine.store.lease import Holder, Lease, LeaseHeld, holder_of
from engine.store.models import Member
from engine.store.workspace_store import DB_NAME as DB_NAME
from engine.store.workspace_store import MARKER as MARKER
from engine.store.workspace_store import WorkspaceStore

if TYPE_CHECKING:
    from engine.console.service import ConsoleService
    from engine.datasets.service import DatasetService
    from engine.documents.service import DocumentService
    from engine.evaluation.service import EvaluationService
    from engine.members import MembershipService
    from engine.models.service import ModelService
    from engine.privacy.service import PrivacyService
    from engine.tasks.service import TaskService
    from engine.training.service import TrainingService

IN_USE = "in-use.lock"  # held by the window that has the workspace open (engine.store.lease)


class Workspace:
    """The facade: builds the store (engine/store/workspace_store.py) and one service per domain,
    each given the store and the peer services it needs, and exposes them."""

    def __init__(self, root: Path, creating: bool = False) -> None:
        self.store = WorkspaceStore(root, creating)
        self._lease: Lease | None = None

    # -- what the store holds, as before -----------------------------------------
    @property
    def root(self) -> Path:
        return self.store.root

    @property
    def db_path(self) -> Path:
        return self.store.db_path

    @property
    def blobs(self) -> BlobStore:
        return self.store.blobs

    @property
    def engine(self) -> Engine:
        return self.store.engine

    @property
    def identity(self) -> Identity:
        return self.store.identity

    @property
    def audit(self) -> AuditLog:
        return self.store.audit

    @property
    def last_backup(self) -> Path | None:
        return self.store.last_backup

    def unit(self) -> AbstractContextManager[Session]:
        """One transaction: commits on success, rolls back on any error."""
        return self.store.unit()

    def reader(self) -> Session:
        """A session for reading only: it never takes the write lock."""
        return self.store.reader()

    def setting(self, key: str, default: str | None = None) -> str | None:
        return self.store.setting(key, default)

    def run_dir(self, *parts: str) -> Path:
        return self.store.run_dir(*parts)

    # -- opening ---------------------------------------------------------
    @classmethod
    def create(cls, root: Path, name: str | None = None) -> Workspace:
        root = root.expanduser()
        root.mkdir(parents=True, exist_ok=True)
        marker = {"format": 1, "name": name or root.name}
        if (root / MARKER).is_file():  # keep the id its audit anchors are filed under
            marker.update({k: v for k, v in json.loads((root / MARKER).read_text()).items() if k == "workspace_id"})
        (root / MARKER).write_text(json.dumps(marker))
        ws = cls(root, creating=True)
        with ws.unit() as s:
            if s.get(Member, ws.identity.os_user) is None:  # a new workspace: its creator is the admin
                s.add(Member(os_user=ws.identity.os_user, role="admin", added_at=now()))
                ws.audit.record(s, "workspace.created", f"workspace:{ws.root.name}",
                                {"path": str(ws.root), "admin": ws.identity.os_user})
        return ws

    @classmethod
    def open(cls, root: Path) -> Workspace:
        """Open as the OS account running this process; refuses anyone who is not a member."""
        root = root.expanduser()
        if not (root / MARKER).is_file() or not (root / DB_NAME).is_file():
            raise WorkspaceNotFound(root)
        return cls(root)

    @classmethod
    def exists(cls, root: Path) -> bool:
        return (root / MARKER).is_file() and (root / DB_NAME).is_file()

    # -- one window per workspace ------------------------------------------
    def hold(self, program: str = "an Airlock window") -> None:
        """Mark the workspace as open in this window until ``close()``. A second window is refused
        with ``WorkspaceInUse`` naming who has it; the command line, training workers and readers do
        not hold it and work alongside (SQLite serialises writers; each run has its own lease)."""
        if self._lease is not None:
            return
        try:
            self._lease = Lease.take(self.root / IN_USE, program)
        except LeaseHeld as exc:
            raise WorkspaceInUse(self.root, exc.holder.describe() if exc.holder else "another process") from None

    def holder(self) -> Holder | None:
        """Who has the workspace open in a window now (None: nobody)."""
        return self._lease.holder() if self._lease is not None else holder_of(self.root / IN_USE)

    def close(self) -> None:
        if self._lease is not None:
            self._lease.release()
            self._lease = None
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def name(self) -> str:
        return self.store.name

    def set_setting(self, key: str, value: str) -> None:
        self.membership.change_setting(key, value)

    def members(self) -> list[tuple[str, str]]:
        return [(m.os_user, m.role) for m in self.membership.list()]

    @cached_property
    def membership(self) -> MembershipService:
        """Members and roles; ``membership.require(work)`` is the check every service calls first."""
        from engine.members import MembershipService

        return MembershipService(self.store)

    # -- services ---------------------------------------------------------
    @cached_property
    def documents(self) -> DocumentService:
        from engine.documents.service import DocumentService

        return DocumentService(self.store, self.membership, self.privacy)

    @cached_property
    def privacy(self) -> PrivacyService:
        from engine.privacy.service import PrivacyService

        return PrivacyService(self.store, self.membership)

    @cached_property
    def tasks(self) -> TaskService:
        from engine.tasks.service import TaskService

        return TaskService(self.store, self.membership, self.privacy)

    @cached_property
    def datasets(self) -> DatasetService:
        from engine.datasets.service import DatasetService

        return DatasetService(self.store, self.membership, self.tasks, self.models)

    @cached_property
    def training(self) -> TrainingService:
        from engine.training.service import TrainingService

        return TrainingService(self.store, self.membership, self.tasks, self.datasets, self.models)

    @cached_property
    def models(self) -> ModelService:
        from engine.models.service import ModelService

        return ModelService(self.store, self.membership)

    @cached_property
    def evaluation(self) -> EvaluationService:
        from engine.evaluation.service import EvaluationService

        return EvaluationService(self.store, self.membership, self.tasks, self.datasets, self.models)

    @cached_property
    def console(self) -> ConsoleService:
        """The console: the loaded model, the call log, the review queue and the local endpoint."""
        from engine.console.service import ConsoleService

        return ConsoleService(self.store, self.membership, self.models, self.tasks, self.privacy)

    def summary(self) -> dict[str, Any]:
        """Counts for the home page and `airlock status`."""
        from sqlalchemy import func

        from engine.store import models as m

        tables = {"documents": m.Document, "examples": m.Example,
                  "dataset_versions": m.DatasetVersion, "training_runs": m.TrainingRun,
                  "model_artifacts": m.ModelArtifact, "evaluation_runs": m.EvaluationRun,
                  "audit_events": m.AuditEvent}
        with self.reader() as s:
            return {name: s.scalar(select(func.count()).select_from(t)) or 0
                    for name, t in tables.items()}
