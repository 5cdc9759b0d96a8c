"""Offline switches and the socket guard.

The switches are environment variables that the HF stack and tldextract read at
import time. The guard wraps the socket layer so that any connection to an
address outside loopback is refused (``NetworkBlocked``) and reported to every
registered listener (the open workspace records it in its audit log).

The guard also covers every Python process started from a guarded one: installing it
sets ``AIRLOCK_OFFLINE_GUARD=1`` and puts ``engine/offline_boot`` first on PYTHONPATH,
whose ``sitecustomize`` installs the guard in the child before its own code runs.
This is the second layer: the first is the kernel's (engine/seal.py).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OFFLINE_SWITCHES: dict[str, str] = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "DO_NOT_TRACK": "1",
    "DISABLE_TELEMETRY": "1",
    "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
    "WANDB_DISABLED": "true",
    "WANDB_MODE": "disabled",
    "TOKENIZERS_PARALLELISM": "false",
}


GUARD_ENV = "AIRLOCK_OFFLINE_GUARD"
BOOT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "offline_boot")


class NetworkBlocked(ConnectionRefusedError):
    """Raised instead of opening a connection that would leave the machine."""


@dataclass(frozen=True)
class BlockedAttempt:
    host: str
    port: int | None
    call: str


Listener = Callable[[BlockedAttempt], None]

_lock = threading.Lock()
_listeners: list[Listener] = []
_attempts: list[BlockedAttempt] = []
_originals: dict[str, Any] = {}


def apply_offline_switches() -> None:
    """Set every offline environment switch (idempotent, cheap)."""
    for key, value in OFFLINE_SWITCHES.items():
        os.environ[key] = value


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host in ("localhost", "localhost.localdomain", "ip6-localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _address_host_port(address: Any) -> tuple[str, int | None] | None:
    if isinstance(address, tuple) and address and isinstance(address[0], str):
        port = address[1] if len(address) > 1 and isinstance(address[1], int) else None
        return address[0], port
    return None  # AF_UNIX paths and the like never leave the machine


def _refuse(host: str, port: int | None, call: str) -> None:
    attempt = BlockedAttempt(host=host, port=port, call=call)
    with _lock:
        _attempts.append(attempt)
        listeners = list(_listeners)
    for listener in listeners:
        with contextlib.suppress(Exception):  # a failing recorder must never open the door
            listener(attempt)
    raise NetworkBlocked(f"Airlock is offline: connection to {host}:{port} refused")


def _check(address: Any, call: str) -> None:
    parsed = _address_host_port(address)
    if parsed is not None and not is_loopback(parsed[0]):
        _refuse(parsed[0], parsed[1], call)


def cover_child_processes() -> None:
    """Make every Python child (inheriting our environment) install the guard at start-up."""
    os.environ[GUARD_ENV] = "1"
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if paths[:1] != [BOOT_DIR]:
        os.environ["PYTHONPATH"] = os.pathsep.join([BOOT_DIR, *(p for p in paths if p != BOOT_DIR)])


def install_guard() -> None:
    """Refuse every non-loopback connection from this process and its Python children (idempotent)."""
    apply_offline_switches()
    cover_child_processes()
    with _lock:
        if _originals:
            return
        _originals["connect"] = socket.socket.connect
        _originals["connect_ex"] = socket.socket.connect_ex
        _originals["sendto"] = socket.socket.sendto
        _originals["sendmsg"] = socket.socket.sendmsg
        _originals["getaddrinfo"] = socket.getaddrinfo

    orig_connect = _originals["connect"]
    orig_connect_ex = _originals["connect_ex"]
    orig_sendto = _originals["sendto"]
    orig_sendmsg = _originals["sendmsg"]
    orig_getaddrinfo = _originals["getaddrinfo"]

    def connect(self: socket.socket, address: Any) -> None:
        _check(address, "connect")
        orig_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        _check(address, "connect_ex")
        result: int = orig_connect_ex(self, address)
        return result

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        _check(args[-1] if args else None, "sendto")
        result: int = orig_sendto(self, data, *args)
        return result

    def sendmsg(self: socket.socket, buffers: Any, *args: Any) -> int:
        _check(args[2] if len(args) > 2 else None, "sendmsg")
        result: int = orig_sendmsg(self, buffers, *args)
        return result

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        if host is not None and not is_loopback(str(host)):
            _refuse(str(host), port if isinstance(port, int) else None, "getaddrinfo")
        return orig_getaddrinfo(host, port, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    socket.socket.sendto = sendto  # type: ignore[method-assign,assignment]
    socket.socket.sendmsg = sendmsg  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = getaddrinfo


def guard_installed() -> bool:
    return bool(_originals)


def add_listener(listener: Listener) -> None:
    with _lock:
        _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    with _lock:
        if listener in _listeners:
            _listeners.remove(listener)


def blocked_attempts() -> list[BlockedAttempt]:
    with _lock:
        return list(_attempts)
