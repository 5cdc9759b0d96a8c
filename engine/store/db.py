"""SQLite connections: WAL, foreign keys, a busy timeout, one writer at a time.

Write transactions start with ``BEGIN IMMEDIATE`` so the write lock is taken up
front: two writers (the GUI and a training worker, say) queue instead of
failing half-way, and the audit chain's read-last-hash-then-append is atomic.
Reads use a second engine with plain (deferred) transactions, so a window that
polls for progress never takes the write lock from a worker that is writing.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def busy_timeout_s() -> float:
    """How long a writer waits for another one before giving up (AIRLOCK_DB_TIMEOUT_S)."""
    try:
        return float(os.environ.get("AIRLOCK_DB_TIMEOUT_S", "30"))
    except ValueError:
        return 30.0


def make_engine(db_path: Path, for_writing: bool = True) -> Engine:
    timeout = busy_timeout_s()
    engine = create_engine(
        f"sqlite:///{db_path}",
        connect_args={"timeout": timeout, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # Freed pages are zeroed, so redacted originals do not linger in the file.
        cur.execute("PRAGMA secure_delete=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if for_writing else "BEGIN")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def backup_database(db_path: Path, target: Path) -> None:
    """A consistent copy of a live database through SQLite's backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(db_path))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def insert_many(s: Session, model: type[Any], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert plain rows (tuples in ``columns`` order) in one ``executemany`` on the session's
    connection and transaction: no ORM objects or per-row parameter dictionaries, for the bulk
    writes (a frozen version's 100,000 items)."""
    table = model.__table__
    unknown = [c for c in columns if c not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(unknown)}")
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    batch = list(rows)
    if batch:
        s.connection().exec_driver_sql(sql, batch)
