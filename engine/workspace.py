"""The workspace facade: one folder, one SQLite database, one blob store.

``Workspace.open`` applies pending migrations (backing the database up first)
and hands out one service per domain. Each service call is one unit of work and
returns plain dataclasses, never live ORM objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engine import offline
from engine.audit import AuditLog
from engine.audit_anchor import Anchor, workspace_id
from engine.blobs import BlobStore
from engine.clock import now
from engine.errors import AirlockError, NotAMember, WorkspaceInUse, WorkspaceLocked, WorkspaceNotFound
from engine.identity import Identity, current_os_user
from engine.store.db import make_engine, make_session_factory
from engine.store.lease import Holder, Lease, LeaseHeld, holder_of
from engine.store.migrate import upgrade
from engine.store.models import Member, Setting
from engine.store.storage_errors import storage_problem

if TYPE_CHECKING:
    from engine.datasets.service import DatasetService
    from engine.documents.service import DocumentService
    from engine.evaluation.service import EvaluationService
    from engine.members import MembershipService
    from engine.models.service import ModelService
    from engine.privacy.service import PrivacyService
    from engine.tasks.service import TaskService
    from engine.training.service import TrainingService

DB_NAME = "airlock.db"
MARKER = "airlock-workspace.json"
IN_USE = "in-use.lock"  # held by the window that has the workspace open (engine.store.lease)


class Workspace:
    def __init__(self, root: Path, creating: bool = False) -> None:
        self.root = root.resolve()
        self._lease: Lease | None = None
        self.db_path = self.root / DB_NAME
        self.blobs = BlobStore(self.root / "blobs")
        self.engine = make_engine(self.db_path)
        self._sessions = make_session_factory(self.engine)
        self._read_engine = make_engine(self.db_path, for_writing=False)
        self._readers = make_session_factory(self._read_engine)
        try:
            self.last_backup = upgrade(self.engine, self.db_path, self.root / "backups")
        except OperationalError as exc:
            self.engine.dispose()
            self._read_engine.dispose()
            if (problem := self._explain(exc)) is not None:
                raise problem from exc
            raise
        user = current_os_user()
        role = self._role_of(user)
        if role is None and not (creating and not self._has_members()):
            admins = self._admins()
            self.engine.dispose()
            self._read_engine.dispose()
            raise NotAMember(user, self.root, admins)
        self.identity = Identity(user, role or "admin")
        self.audit = AuditLog(self._readers, self.identity, Anchor(workspace_id(self.root / MARKER), self.root))
        self.audit.on_commit = self._after_commit
        self._listener = self._record_blocked_connection
        offline.add_listener(self._listener)

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
        offline.remove_listener(self._listener)
        self.engine.dispose()
        self._read_engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def name(self) -> str:
        try:
            return str(json.loads((self.root / MARKER).read_text()).get("name", self.root.name))
        except (OSError, ValueError):
            return self.root.name

    # -- units of work ---------------------------------------------------
    @contextmanager
    def unit(self) -> Iterator[Session]:
        """One transaction: commits on success, rolls back on any error."""
        try:
            with self._sessions() as session, session.begin():
                yield session
        except OperationalError as exc:
            if (problem := self._explain(exc)) is not None:
                raise problem from exc  # the transaction was rolled back: nothing of it was stored
            raise

    def _explain(self, exc: OperationalError) -> AirlockError | None:
        """A database error a person can act on: another writer holds the lock, or the disk is full
        or read-only (engine.store.storage_errors); None for anything else (a bug: keep its traceback)."""
        if "locked" in str(exc):
            return WorkspaceLocked(self.db_path)
        return storage_problem(exc, self.root)

    def reader(self) -> Session:
        """A session for reading only: it never takes the write lock."""
        return self._readers()

    def _role_of(self, user: str) -> str | None:
        with self._readers() as s:
            member = s.get(Member, user)
            return member.role if member else None

    def _has_members(self) -> bool:
        with self._readers() as s:
            return s.scalar(select(Member.os_user).limit(1)) is not None

    def _admins(self) -> list[str]:
        with self._readers() as s:
            return sorted(s.scalars(select(Member.os_user).where(Member.role == "admin")))

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self._readers() as s:
            row = s.get(Setting, key)
            return row.value if row else default

    def set_setting(self, key: str, value: str) -> None:
        self.membership.require("operator" if key.startswith("console.") else "expert", f"setting {key}")
        with self.unit() as s:
            row = s.get(Setting, key)
            old = row.value if row else None
            if row is None:
                s.add(Setting(key=key, value=value))
            else:
                row.value = value
            self.audit.record(s, "setting.changed", f"setting:{key}", {"old": old, "new": value})

    def members(self) -> list[tuple[str, str]]:
        return [(m.os_user, m.role) for m in self.membership.list()]

    @cached_property
    def membership(self) -> MembershipService:
        """Members and roles; ``membership.require(work)`` is the check every service calls first."""
        from engine.members import MembershipService

        return MembershipService(self)

    def _after_commit(self, actions: list[str]) -> None:
        """After a redaction commits, the migration backups are redacted to match (engine/backups.py)."""
        from engine import backups

        if backups.needs_scrub(actions):
            backups.scrub(self)

    def _record_blocked_connection(self, attempt: offline.BlockedAttempt) -> None:
        with self.unit() as s:
            self.audit.record(s, "network.blocked", f"host:{attempt.host}",
                              {"host": attempt.host, "port": attempt.port, "call": attempt.call})

    def run_dir(self, *parts: str) -> Path:
        path = self.root.joinpath("runs", *parts)
        path.mkdir(parents=True, exist_ok=True)
        return path

    # -- services ---------------------------------------------------------
    @cached_property
    def documents(self) -> DocumentService:
        from engine.documents.service import DocumentService

        return DocumentService(self)

    @cached_property
    def privacy(self) -> PrivacyService:
        from engine.privacy.service import PrivacyService

        return PrivacyService(self)

    @cached_property
    def tasks(self) -> TaskService:
        from engine.tasks.service import TaskService

        return TaskService(self)

    @cached_property
    def datasets(self) -> DatasetService:
        from engine.datasets.service import DatasetService

        return DatasetService(self)

    @cached_property
    def training(self) -> TrainingService:
        from engine.training.service import TrainingService

        return TrainingService(self)

    @cached_property
    def models(self) -> ModelService:
        from engine.models.service import ModelService

        return ModelService(self)

    @cached_property
    def evaluation(self) -> EvaluationService:
        from engine.evaluation.service import EvaluationService

        return EvaluationService(self)

    def summary(self) -> dict[str, Any]:
        """Counts for the home page and `airlock status`."""
        from sqlalchemy import func

        from engine.store import models as m

        tables = {"documents": m.Document, "examples": m.Example,
                  "dataset_versions": m.DatasetVersion, "training_runs": m.TrainingRun,
                  "model_artifacts": m.ModelArtifact, "evaluation_runs": m.EvaluationRun,
                  "audit_events": m.AuditEvent}
        with self._readers() as s:
            return {name: s.scalar(select(func.count()).select_from(t)) or 0
                    for name, t in tables.items()}
