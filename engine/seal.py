"""The sealed runtime: Airlock and every process it starts live in a private network namespace.

At the start of the `airlock` program (and of `python -m desktop`), before any thread exists,
the process moves itself into a new user namespace plus a new network namespace (what
`unshare --user --map-user=$(id -u) --net` does), maps the user's uid and gid to themselves
(roles and the audit log keep naming the real person), and brings up the namespace's only
interface, loopback. Children inherit the namespace: the training worker, the llama.cpp process,
the GGUF converter and the PDF writer cannot reach a network whatever they call (Python, C,
UDP, DNS). The Python socket guard (engine/offline.py) stays on as a second layer.

The namespace has its own loopback, so a port opened inside cannot be reached from the machine.
For the local endpoint, a small helper forked before sealing stays outside and does one thing:
it opens listening sockets on the machine's 127.0.0.1 and hands them in (``host_loopback_listener``).
It never opens a connection.

Where the kernel refuses (not Linux, user namespaces disabled, a restricting security module),
the process goes on with the Python guard only, and ``current()`` says so plainly.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import signal
import socket
import struct
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SEAL_SWITCH = "AIRLOCK_SEAL"  # "0"/"off": do not seal (diagnosis, benchmarks); reported as a warning
SEALED_MARK = "AIRLOCK_SEALED"  # set by the sealing process to its namespace's id; children inherit it
BROKER_ENV = "AIRLOCK_LOOPBACK_BROKER"  # the Unix socket of the helper that stayed outside

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
IFF_RUNNING = 0x40
PR_SET_PDEATHSIG = 1
BROKER_PREFIX = "airlock-loopback-"
_HINTS = {
    errno.ENOSPC: " (the user namespace limit is reached or 0: sysctl user.max_user_namespaces)",
    errno.EPERM: " (user namespaces are not allowed for this user: sysctl kernel.unprivileged_userns_clone, "
                 "or an AppArmor/SELinux policy)",
    errno.EINVAL: " (the process runs several threads, or the kernel lacks CONFIG_USER_NS/CONFIG_NET_NS)",
}


@dataclass(frozen=True)
class SealState:
    """Whether this process is sealed, and in words why (not)."""

    sealed: bool
    detail: str
    interfaces: tuple[str, ...]

    def describe(self) -> str:
        if self.sealed:
            return f"sealed by the kernel: private network namespace, interfaces: {', '.join(self.interfaces)}"
        return f"NOT sealed by the kernel ({self.detail}); Python guard only"


_state: SealState | None = None


def _netns_id() -> str:
    try:
        return os.readlink("/proc/self/ns/net")
    except OSError:
        return ""


def _interfaces() -> tuple[str, ...]:
    try:
        return tuple(sorted(name for _, name in socket.if_nameindex()))
    except OSError:
        return ()


def current() -> SealState:
    """The seal state of this process as it is now (children inherit their parent's)."""
    if _state is not None:
        return _state
    interfaces = _interfaces()
    mark = os.environ.get(SEALED_MARK)
    if mark and mark == _netns_id() and interfaces == ("lo",):
        return SealState(True, "inherited from the process that started this one", interfaces)
    if os.environ.get(SEAL_SWITCH, "").lower() in ("0", "off", "no", "false"):
        return SealState(False, f"turned off by {SEAL_SWITCH}={os.environ[SEAL_SWITCH]}", interfaces)
    return SealState(False, "this process was not started sealed", interfaces)


def _thread_count() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _enter_namespace() -> None:
    """unshare user+net, map our ids to themselves, bring loopback up. Raises OSError naming the step."""
    uid, gid = os.geteuid(), os.getegid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        hint = _HINTS.get(err, "")
        raise OSError(err, f"unshare(CLONE_NEWUSER|CLONE_NEWNET): {os.strerror(err)}{hint}")
    try:
        with contextlib.suppress(FileNotFoundError):  # kernels before 3.19 have no setgroups file
            _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1\n")
        _write("/proc/self/gid_map", f"{gid} {gid} 1\n")
    except OSError as exc:
        raise OSError(exc.errno, f"mapping uid {uid}/gid {gid} into the namespace: {exc.strerror}") from exc
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH22x", b"lo", 0)
        flags = struct.unpack("16sH22x", fcntl.ioctl(sock.fileno(), SIOCGIFFLAGS, request))[1]
        try:
            fcntl.ioctl(sock.fileno(), SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | IFF_UP | IFF_RUNNING))
        except OSError as exc:
            raise OSError(exc.errno, f"bringing up loopback: {exc.strerror}") from exc


def _trial() -> str | None:
    """Try the whole sealing in a forked child first: if any step fails there, this process is
    left as it was (a half-made namespace would leave us with no loopback). None = it works."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: try, report, vanish
        os.close(read_end)
        try:
            _enter_namespace()
            os.write(write_end, b"ok")
            code = 0
        except BaseException as exc:  # report anything, never run the parent's code in the child
            os.write(write_end, str(exc).encode()[:500])
            code = 1
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        answer = pipe.read().decode(errors="replace")
    os.waitpid(pid, 0)
    return None if answer == "ok" else (answer or "the trial process died")


def seal_process() -> SealState:
    """Seal this process (idempotent; call it first thing, before any thread starts)."""
    global _state
    if _state is not None:
        return _state
    state = current()
    if state.sealed or os.environ.get(SEAL_SWITCH, "").lower() in ("0", "off", "no", "false"):
        _state = state
        return state
    if not sys.platform.startswith("linux"):
        _state = SealState(False, f"network namespaces need Linux (this is {sys.platform})", _interfaces())
        return _state
    if _thread_count() > 1:
        _state = SealState(False, "the process already runs threads, the kernel only seals a single thread",
                           _interfaces())
        return _state
    refusal = _trial()
    if refusal is not None:
        _state = SealState(False, f"the kernel refused: {refusal}", _interfaces())
        return _state
    broker = _start_broker()
    try:
        _enter_namespace()
    except OSError as exc:  # the trial passed, so this is unexpected; we may have no loopback now
        _state = SealState(False, f"sealing failed after a successful trial: {exc}", _interfaces())
        return _state
    os.environ[SEALED_MARK] = _netns_id()
    if broker:
        os.environ[BROKER_ENV] = broker
    _state = SealState(True, "sealed at start-up", _interfaces())
    return _state


# --- the loopback helper that stays outside -------------------------------------------------


def _sweep_stale_folders() -> None:
    """Remove the socket folders of helpers that are gone (a helper killed outright cannot remove its
    own): this user's folders whose socket nobody answers on."""
    for folder in Path(tempfile.gettempdir()).glob(f"{BROKER_PREFIX}*"):
        sock = folder / "broker.sock"
        with contextlib.suppress(OSError):
            info = folder.stat()
            if info.st_uid != os.getuid() or time.time() - info.st_mtime < 60:
                continue  # another user's, or one that another start is setting up right now
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(str(sock))
                continue  # a live helper
            except OSError:
                pass
            finally:
                probe.close()
            sock.unlink(missing_ok=True)
            folder.rmdir()


def _start_broker() -> str | None:
    """Fork the helper (still in the machine's network namespace) and return its socket path."""
    _sweep_stale_folders()
    folder = Path(tempfile.mkdtemp(prefix=BROKER_PREFIX))  # mode 0700: only this user
    path = folder / "broker.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(8)
    parent = os.getpid()
    pid = os.fork()
    if pid != 0:
        server.close()
        return str(path)
    code = 0
    try:  # the helper: serve until the sealed process is gone
        # the parent's death arrives as SIGTERM: end through `finally`, which removes the socket's folder
        signal.signal(signal.SIGTERM, _end_helper)
        with contextlib.suppress(Exception):
            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM))
        _serve_broker(server, parent)
    except SystemExit:
        pass
    except BaseException:
        code = 1
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
            folder.rmdir()
    os._exit(code)


def _end_helper(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _serve_broker(server: socket.socket, parent: int) -> None:
    server.settimeout(1.0)
    while os.getppid() == parent:
        try:
            conn, _ = server.accept()
        except TimeoutError:
            continue
        with conn:
            conn.settimeout(5.0)
            try:
                port = int(conn.recv(16).decode() or "-1")
                if not 0 <= port <= 65535:
                    raise ValueError(f"bad port {port}")
                listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                listener.bind(("127.0.0.1", port))  # loopback only, by construction
                listener.listen(16)
            except (OSError, ValueError) as exc:
                with contextlib.suppress(OSError):
                    conn.sendall(f"error: {exc}".encode())
                continue
            with listener, contextlib.suppress(OSError):
                socket.send_fds(conn, [b"ok"], [listener.fileno()])


def host_loopback_listener(port: int) -> socket.socket:
    """A listening TCP socket on the machine's 127.0.0.1:``port`` (0 = any free port).

    Sealed: asked from the helper that stayed outside, so programs on this machine can connect.
    Not sealed: opened here. Raises OSError naming the problem (port in use, helper gone)."""
    broker = os.environ.get(BROKER_ENV)
    if not current().sealed or not broker:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind(("127.0.0.1", port))
            listener.listen(16)
        except OSError:
            listener.close()
            raise
        return listener
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(10.0)
        conn.connect(broker)
        conn.sendall(str(port).encode())
        message, fds, _, _ = socket.recv_fds(conn, 256, 1)
    if not fds:
        raise OSError(f"cannot listen on 127.0.0.1:{port}: {message.decode(errors='replace')}")
    return socket.socket(fileno=fds[0])
