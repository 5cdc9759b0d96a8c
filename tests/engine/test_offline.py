"""The offline guard: outbound connections are refused and audited; loopback works."""

from __future__ import annotations

import os
import socket
import threading

import pytest

from engine import offline
from engine.workspace import Workspace


def test_switches_are_set() -> None:
    for key, value in offline.OFFLINE_SWITCHES.items():
        assert os.environ.get(key) == value, key


def test_outbound_connection_is_refused_and_recorded(workspace: Workspace) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, \
            pytest.raises(offline.NetworkBlocked):
        sock.connect(("93.184.216.34", 443))
    with pytest.raises(offline.NetworkBlocked):
        socket.create_connection(("huggingface.co", 443), timeout=1)
    events = workspace.audit.entries(action="network.blocked")
    hosts = {e.details["host"] for e in events}
    assert {"93.184.216.34", "huggingface.co"} <= hosts
    assert workspace.audit.verify().ok


def test_udp_sendto_outside_is_refused() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock, pytest.raises(offline.NetworkBlocked):
        sock.sendto(b"x", ("8.8.8.8", 53))


def test_loopback_is_allowed() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            received.append(conn.recv(5))

    t = threading.Thread(target=serve)
    t.start()
    with socket.create_connection(("localhost", port), timeout=5) as client:
        client.sendall(b"hello")
    t.join(timeout=5)
    server.close()
    assert received == [b"hello"]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.1", "::1", "localhost", "[::1]"])
def test_loopback_names(host: str) -> None:
    assert offline.is_loopback(host)


@pytest.mark.parametrize("host", ["10.0.0.1", "192.168.1.1", "8.8.8.8", "example.com", "::ffff:8.8.8.8"])
def test_non_loopback_names(host: str) -> None:
    assert not offline.is_loopback(host)
