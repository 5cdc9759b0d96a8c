"""The workspace's storage, below every service: sessions, blobs, audit, identity, settings, run folders.

``WorkspaceStore`` opens the folder's database (applying pending migrations, backing the database up
first), checks that the OS account running this process is a member, and hands out units of work
(``unit()``: one write transaction), read sessions (``reader()``), the blob store, the audit log and
the acting identity. Services are built with the store and the peer services they need
(engine/workspace.py); none of them reaches back into the whole workspace for these.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engine import offline
from engine.audit import AuditLog
from engine.audit_anchor import Anchor, workspace_id
from engine.blobs import BlobStore
from engine.errors import AirlockError, NotAMember, WorkspaceLocked
from engine.identity import Identity, current_os_user
from engine.store.db import make_engine, make_session_factory
from engine.store.migrate import upgrade
from engine.store.models import Member, Setting
from engine.store.storage_errors import storage_problem

DB_NAME = "airlock.db"
MARKER = "airlock-workspace.json"


class WorkspaceStore:
    """One workspace folder's database, blobs and audit log, opened as the OS account running us.

    ``creating``: a workspace with no members yet lets its creator in (as admin)."""

    def __init__(self, root: Path, creating: bool = False) -> None:
        self.root = root.resolve()
        self.db_path = self.root / DB_NAME
        self.blobs = BlobStore(self.root / "blobs")
        self.engine = make_engine(self.db_path)
        self._sessions = make_session_factory(self.engine)
        self._read_engine = make_engine(self.db_path, for_writing=False)
        self._readers = make_session_factory(self._read_engine)
        try:
            self.last_backup = upgrade(self.engine, self.db_path, self.root / "backups")
        except OperationalError as exc:
            self._dispose()
            if (problem := self._explain(exc)) is not None:
                raise problem from exc
            raise
        user = current_os_user()
        role = self._role_of(user)
        if role is None and not (creating and not self._has_members()):
            admins = self._admins()
            self._dispose()
            raise NotAMember(user, self.root, admins)
        self.identity = Identity(user, role or "admin")
        self.audit = AuditLog(self._readers, self.identity, Anchor(workspace_id(self.root / MARKER), self.root))
        self.audit.on_commit = self._after_commit
        self._listener = self._record_blocked_connection
        offline.add_listener(self._listener)
        self._closers: list[Callable[[], None]] = []

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

    def reader(self) -> Session:
        """A session for reading only: it never takes the write lock."""
        return self._readers()

    def _explain(self, exc: OperationalError) -> AirlockError | None:
        """A database error a person can act on: another writer holds the lock, or the disk is full
        or read-only (engine.store.storage_errors); None for anything else (a bug: keep its traceback)."""
        if "locked" in str(exc):
            return WorkspaceLocked(self.db_path)
        return storage_problem(exc, self.root)

    # -- members (who may open it) -------------------------------------------
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

    # -- settings, names, folders ------------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        with self._readers() as s:
            row = s.get(Setting, key)
            return row.value if row else default

    def write_setting(self, key: str, value: str) -> None:
        """Store a setting and audit the change. The caller checks the role first."""
        with self.unit() as s:
            row = s.get(Setting, key)
            old = row.value if row else None
            if row is None:
                s.add(Setting(key=key, value=value))
            else:
                row.value = value
            self.audit.record(s, "setting.changed", f"setting:{key}", {"old": old, "new": value})

    @property
    def name(self) -> str:
        try:
            return str(json.loads((self.root / MARKER).read_text()).get("name", self.root.name))
        except (OSError, ValueError):
            return self.root.name

    def run_dir(self, *parts: str) -> Path:
        path = self.root.joinpath("runs", *parts)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _after_commit(self, actions: list[str]) -> None:
        """After a redaction commits, the migration backups are redacted to match (engine/backups.py)."""
        from engine import backups

        if backups.needs_scrub(actions):
            backups.scrub(self)

    def _record_blocked_connection(self, attempt: offline.BlockedAttempt) -> None:
        with self.unit() as s:
            self.audit.record(s, "network.blocked", f"host:{attempt.host}",
                              {"host": attempt.host, "port": attempt.port, "call": attempt.call})

    # -- closing ------------------------------------------------------------------
    def on_close(self, closer: Callable[[], None]) -> None:
        """Run ``closer`` when the store closes (before the database is let go), newest first."""
        self._closers.append(closer)

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()
        offline.remove_listener(self._listener)
        self._dispose()

    def _dispose(self) -> None:
        self.engine.dispose()
        self._read_engine.dispose()
