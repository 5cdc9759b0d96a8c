"""Who holds something exclusively: a workspace open in a window, a training run's worker.

A lease is an OS file lock (``flock``) on a small file that also says who took it (OS user,
host, pid, program, since when). The kernel releases the lock when the holding process ends,
however it ends (a crash or ``kill -9`` included), so a lease never goes stale; the text left
in the file is only read while the lock is held. A lease can be handed to a child process
(``pass_fds``): the lock belongs to the open file, so it stays held until the child exits.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.clock import now
from engine.identity import current_os_user

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: leases are not enforced there
    fcntl = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Holder:
    os_user: str
    host: str
    pid: int
    program: str
    since: str  # ISO time, UTC

    def describe(self) -> str:
        when = self.since.replace("T", " ")[:16]
        return f"{self.program} of {self.os_user} on {self.host} (pid {self.pid}) since {when} UTC"


class LeaseHeld(Exception):
    """Another process holds the lease; ``holder`` says who (None: it could not be read)."""

    def __init__(self, path: Path, holder: Holder | None) -> None:
        self.path = path
        self.holder = holder
        super().__init__(f"{path} is held by {holder.describe() if holder else 'another process'}")


def _read(fd: int) -> Holder | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = json.loads(os.read(fd, 4096).decode("utf-8"))
        return Holder(str(data["os_user"]), str(data["host"]), int(data["pid"]), str(data["program"]),
                      str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _try_lock(fd: int) -> bool:
    if fcntl is None:  # pragma: no cover
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class Lease:
    """An exclusive lease on ``path``, held until ``release()`` (or until every process holding
    its file descriptor has ended)."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self.fd: int | None = fd

    @classmethod
    def take(cls, path: Path, program: str) -> Lease:
        """Take the lease or raise ``LeaseHeld`` naming who has it."""
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        for pause in (0.05, 0.1, 0.0):  # ``holder_of`` takes it for an instant to look: try again then
            if _try_lock(fd):
                break
            if pause:
                time.sleep(pause)
        else:
            holder = _read(fd)
            os.close(fd)
            raise LeaseHeld(path, holder)
        lease = cls(path, fd)
        lease.sign(program)
        return lease

    def sign(self, program: str, pid: int | None = None) -> None:
        """Write who holds it now (a child the lease was handed to signs with its own pid)."""
        assert self.fd is not None
        record = Holder(current_os_user(), socket.gethostname(), pid or os.getpid(), program,
                        now().isoformat(timespec="seconds"))
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, json.dumps(asdict(record)).encode("utf-8"), 0)

    def holder(self) -> Holder | None:
        return _read(self.fd) if self.fd is not None else None

    def release(self) -> None:
        """Give the lease up (in this process; a child it was handed to keeps holding it)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def holder_of(path: Path) -> Holder | None:
    """Who holds the lease on ``path`` now; None when nobody does (or it cannot be checked)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        if _try_lock(fd):  # a shared check would do, but an exclusive one is what holders take
            return None
        return _read(fd) or Holder("?", "?", 0, "another process", "?")
    finally:
        os.close(fd)
