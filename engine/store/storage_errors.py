"""Plain words for a workspace whose disk is full or read-only.

SQLite reports these as ``database or disk is full`` (SQLITE_FULL), ``attempt to write a
readonly database`` (SQLITE_READONLY), or, when the disk fills or turns read-only before a
connection is opened, ``disk I/O error`` / ``unable to open database file``; writing a file
raises ``OSError`` ENOSPC or EROFS. Every write is one transaction, so when any of these
happens nothing of it was stored: the message says so and what to do.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from engine.errors import AirlockError

FULL_BELOW_BYTES = 1 << 20  # an I/O error on a disk with less free space than this: the disk is full


class StorageError(AirlockError):
    """The workspace's disk cannot take the write (full, read-only, failing)."""


def _sqlite_error(exc: BaseException) -> tuple[str, str] | None:
    """(error name, message) of a sqlite3 error, itself or wrapped by SQLAlchemy."""
    import sqlite3

    inner = getattr(exc, "orig", None) or exc
    if not isinstance(inner, sqlite3.OperationalError):
        return None
    return str(getattr(inner, "sqlite_errorname", "") or ""), str(inner)


def _mount_state(folder: Path) -> tuple[bool, int] | None:
    """(read-only, free bytes) of the file system holding ``folder``."""
    try:
        st = os.statvfs(folder)
    except OSError:
        return None
    return bool(st.f_flag & os.ST_RDONLY), st.f_bavail * st.f_frsize


def storage_problem(exc: BaseException, folder: Path | None = None) -> StorageError | None:
    """The ``StorageError`` that explains ``exc`` (``folder``: the workspace's), or None when ``exc``
    is something else."""
    place = f"the workspace {folder}" if folder is not None else "the workspace"
    kind: str | None = None
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        kind = "full"
    elif isinstance(exc, OSError) and exc.errno == errno.EROFS:
        kind = "read-only"
    elif (found := _sqlite_error(exc)) is not None:
        name, text = found
        if name == "SQLITE_FULL" or "database or disk is full" in text:
            kind = "full"
        elif name.startswith("SQLITE_READONLY") or "readonly database" in text:
            kind = "read-only"
        elif name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or "disk I/O error" in text \
                or "unable to open database file" in text:
            state = _mount_state(folder) if folder is not None and folder.exists() else None
            if state is not None and state[0]:
                kind = "read-only"
            elif state is not None and state[1] < FULL_BELOW_BYTES:
                kind = "full"
            elif "disk I/O error" in text:
                kind = "failing"
    if kind == "full":
        return StorageError(f"the disk holding {place} is full: nothing was saved. Free some "
                            "space on it and try again")
    if kind == "read-only":
        return StorageError(f"{place} is on a read-only disk or folder (attempt to write a read-only database): "
                            "nothing was saved. Open it from a writable place")
    if kind == "failing":
        return StorageError(f"the disk holding {place} reported an I/O error: nothing was saved. "
                            "Check the disk and try again")
    return None
