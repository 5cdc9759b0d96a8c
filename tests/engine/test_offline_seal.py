"""The sealed runtime: inside Airlock's process tree nothing reaches a network, whatever it calls.

Every test starts real processes (sealing changes the process for good). The target address is
192.0.2.1 (TEST-NET-1, a documentation range): inside the seal the kernel answers "network is
unreachable" at once, so no packet is ever sent. Unsealed processes are never made to connect out.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from engine import seal

ROOT = Path(__file__).resolve().parents[2]
LINUX_NS = sys.platform.startswith("linux") and Path("/proc/self/ns/net").exists()

PROBE = r"""
import _socket, ctypes, errno, json, os, socket, struct, subprocess, sys
from engine import offline, seal

state = seal.seal_process()
offline.install_guard()
out = {"sealed": state.sealed, "detail": state.detail, "interfaces": list(state.interfaces),
       "uid": os.getuid(), "gid": os.getgid(), "describe": state.describe()}
TARGET = ("192.0.2.1", 80)

def name(exc):
    return type(exc).__name__ + ":" + errno.errorcode.get(exc.errno or 0, str(exc.errno))

if state.sealed:
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    addr = struct.pack("=H", socket.AF_INET) + struct.pack("!H", 80) + socket.inet_aton(TARGET[0]) + bytes(8)
    rc = libc.connect(fd, addr, len(addr))
    out["libc_connect"] = "connected" if rc == 0 else errno.errorcode[ctypes.get_errno()]
    libc.close(fd)
    raw = _socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        _socket.socket.connect(raw, TARGET)
        out["_socket_connect"] = "connected"
    except OSError as exc:
        out["_socket_connect"] = name(exc)
    udp = _socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        _socket.socket.sendmsg(udp, [b"x"], [], 0, ("192.0.2.1", 53))
        out["udp_sendmsg"] = "sent"
    except OSError as exc:
        out["udp_sendmsg"] = name(exc)
    try:
        out["gethostbyname"] = socket.gethostbyname("example.com")
    except OSError as exc:
        out["gethostbyname"] = type(exc).__name__
    child = ("import socket\ntry:\n socket.create_connection(('192.0.2.1', 80), timeout=5); print('connected')\n"
             "except OSError as e: print(type(e).__name__, e.errno)")
    # -I: no PYTHONPATH, so no Python guard in the child: only the kernel stands in the way.
    out["child_isolated"] = subprocess.run([sys.executable, "-I", "-c", child], capture_output=True,
                                           text=True, timeout=30).stdout.strip()
    out["child_guarded"] = subprocess.run([sys.executable, "-c", child], capture_output=True,
                                          text=True, timeout=30).stdout.strip()
    bash = subprocess.run(["bash", "-c", "exec 3<>/dev/tcp/192.0.2.1/80 && echo connected"],
                          capture_output=True, text=True, timeout=30)
    out["child_bash"] = (bash.stdout + bash.stderr).strip()
try:
    socket.create_connection(TARGET, timeout=5)
    out["python_connect"] = "connected"
except OSError as exc:
    out["python_connect"] = type(exc).__name__

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
port = server.getsockname()[1]
loop = ("import socket,sys\nc = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=5)\n"
        "c.sendall(b'hello'); c.close()")
child = subprocess.Popen([sys.executable, "-I", "-c", loop, str(port)])
conn, _ = server.accept()
out["loopback_child"] = conn.recv(5).decode()
child.wait(timeout=30)
out["private_port"] = port
print(json.dumps(out), flush=True)
if "--serve" in sys.argv:
    listener = seal.host_loopback_listener(0)
    print(json.dumps({"host_port": listener.getsockname()[1]}), flush=True)
    listener.settimeout(30)
    conn, _ = listener.accept()
    conn.sendall(b"from inside")
    conn.close()
"""


def _probe(*args: str, wrap: list[str] | None = None, env: dict[str, str] | None = None) -> dict[str, Any]:
    proc = subprocess.run([*(wrap or []), sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout.splitlines()[0])
    return result


@pytest.mark.skipif(not LINUX_NS, reason="network namespaces are Linux only")
def test_nothing_in_the_sealed_tree_reaches_a_network() -> None:
    out = _probe()
    assert out["sealed"], out["detail"]
    assert out["interfaces"] == ["lo"]
    assert out["uid"] == os.getuid() and out["gid"] == os.getgid()  # mapped to themselves, not to root
    assert out["describe"] == "sealed by the kernel: private network namespace, interfaces: lo"
    # Below the Python guard: C, the raw _socket layer, UDP and DNS all meet the kernel's refusal.
    assert out["libc_connect"] == "ENETUNREACH"
    assert out["_socket_connect"] == "OSError:ENETUNREACH"
    assert out["udp_sendmsg"] == "OSError:ENETUNREACH"
    assert out["gethostbyname"] == "gaierror"
    # A child with no Python guard at all, and a shell using /dev/tcp: the namespace is inherited.
    assert out["child_isolated"] == "OSError 101"
    assert "Network is unreachable" in out["child_bash"]
    # The guard is the second layer, in this process and in its Python children.
    assert out["python_connect"] == "NetworkBlocked"
    assert out["child_guarded"] == "NetworkBlocked None"
    assert out["loopback_child"] == "hello"


@pytest.mark.skipif(not LINUX_NS, reason="network namespaces are Linux only")
def test_the_endpoint_is_reachable_from_the_machine_but_private_ports_are_not() -> None:
    proc = subprocess.Popen([sys.executable, "-c", PROBE, "--serve"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout is not None
        first = json.loads(proc.stdout.readline())
        assert first["sealed"], first["detail"]
        host_port = json.loads(proc.stdout.readline())["host_port"]
        # The sealed process's own loopback is private: its listening port is not on the machine's.
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", first["private_port"]), timeout=5).close()
        # The socket handed in by the helper that stayed outside is on the machine's loopback.
        with socket.create_connection(("127.0.0.1", host_port), timeout=10) as client:
            assert client.recv(64) == b"from inside"
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.skipif(not LINUX_NS or shutil.which("unshare") is None, reason="needs Linux and unshare(1)")
def test_where_the_kernel_refuses_the_python_guard_stays_and_says_why() -> None:
    # A real refusal: in a user namespace whose limit of nested user namespaces is 0.
    script = 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'
    try:
        out = _probe(wrap=["unshare", "--user", "--map-root-user", "sh", "-c", script, "sh"])
    except AssertionError as exc:
        if "Operation not permitted" in str(exc) or "unshare failed" in str(exc):
            pytest.skip(f"cannot make a refusing namespace here: {exc}")
        raise
    assert not out["sealed"]
    assert "the kernel refused" in out["detail"] and "user.max_user_namespaces" in out["detail"]
    assert out["describe"].startswith("NOT sealed by the kernel") and out["describe"].endswith("Python guard only")
    assert out["python_connect"] == "NetworkBlocked"
    assert out["loopback_child"] == "hello"


def test_turned_off_on_purpose_it_says_so() -> None:
    out = _probe(env=dict(os.environ, AIRLOCK_SEAL="0"))
    assert not out["sealed"]
    assert out["detail"] == "turned off by AIRLOCK_SEAL=0"
    assert out["python_connect"] == "NetworkBlocked"


@pytest.mark.skipif(not LINUX_NS or os.geteuid() != 0 or shutil.which("setpriv") is None
                    or not Path("/usr/bin/python3").exists(), reason="needs root to become another user")
def test_an_unprivileged_user_is_sealed_as_themselves() -> None:
    nobody = pwd.getpwnam("nobody")
    folder = Path(tempfile.mkdtemp(prefix="airlock-seal-"))
    try:
        folder.chmod(0o755)
        shutil.copy(ROOT / "engine" / "seal.py", folder / "seal_copy.py")  # seal.py needs only the stdlib
        code = ("import os, json, seal_copy\ns = seal_copy.seal_process()\n"
                "print(json.dumps([s.sealed, s.detail, os.getuid(), open('/proc/self/uid_map').read().split()]))")
        proc = subprocess.run(["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups",
                               "/usr/bin/python3", "-I", "-c", f"import sys; sys.path.insert(0, {str(folder)!r})\n"
                               + code], capture_output=True, text=True, timeout=60, cwd=folder)
        assert proc.returncode == 0, proc.stderr
        sealed, detail, uid, uid_map = json.loads(proc.stdout)
        assert sealed, detail
        assert uid == nobody.pw_uid
        assert uid_map == [str(nobody.pw_uid), str(nobody.pw_uid), "1"]
    finally:
        shutil.rmtree(folder)


def test_python_children_of_a_guarded_process_are_guarded() -> None:
    # This test process installed the guard (tests/conftest.py): a child inherits it at start-up.
    code = ("import socket\ntry:\n socket.create_connection(('192.0.2.1', 80), timeout=5)\n"
            "except OSError as e: print(type(e).__name__)\n"
            "from engine import offline\nprint(offline.guard_installed())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["NetworkBlocked", "True"], out.stderr


def test_unsealed_state_is_reported_as_such() -> None:
    state = seal.current()
    assert not state.sealed  # pytest itself is not sealed
    assert state.describe().startswith("NOT sealed by the kernel")


@pytest.mark.slow
@pytest.mark.skipif(not LINUX_NS, reason="network namespaces are Linux only")
def test_airlock_serve_sealed_is_reachable_from_this_machine(tmp_path: Path) -> None:
    import signal
    import urllib.request

    from engine.paths import demo_model_path
    from engine.workspace import Workspace

    model = demo_model_path()
    assert model is not None
    copy = tmp_path / "demo.gguf"
    shutil.copyfile(model, copy)
    with Workspace.create(tmp_path / "ws") as ws:
        base = ws.models.ensure_demo_model()
        art = ws.models.add_artifact("demo-chat", "gguf", copy, "Q4_1", None, base.id, "test copy")
    # Started as the real program (argv from the command line), so it seals itself first.
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", "--model", str(art.id), "--port", "0",
                             "--workspace", str(tmp_path / "ws")], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        seen = []
        while not seen or " at http://127.0.0.1:" not in seen[-1]:
            seen.append(proc.stderr.readline())
            assert seen[-1] and len(seen) < 200, "".join(seen)
        url = seen[-1].split(" at ")[1].split()[0]
        token = proc.stderr.readline().strip().rsplit(" ", 1)[-1]  # a new workspace's token, shown once
        request = urllib.request.Request(f"{url}/models", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as resp:
            assert json.loads(resp.read())["data"][0]["id"] == "demo-chat"
        assert os.readlink(f"/proc/{proc.pid}/ns/net") != os.readlink("/proc/self/ns/net")  # it sealed itself
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    with Workspace.open(tmp_path / "ws") as ws:
        assert {"console.endpoint_started", "console.endpoint_stopped"} <= set(ws.audit.actions())


@pytest.mark.skipif(not LINUX_NS, reason="network namespaces are Linux only")
@pytest.mark.parametrize("ending", ["exits", "is killed"])
def test_the_loopback_helper_leaves_no_folder_behind(ending: str) -> None:
    """Each sealed start makes a private folder for the helper's socket; it goes when the app ends,
    also when the app is killed (the helper then gets SIGTERM from the kernel)."""
    code = ("import os, sys, time\nfrom engine import seal\nstate = seal.seal_process()\n"
            "print(state.sealed, os.environ.get(seal.BROKER_ENV, ''), flush=True)\ntime.sleep(float(sys.argv[1]))")
    proc = subprocess.Popen([sys.executable, "-c", code, "60" if ending == "is killed" else "0"],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    sealed, broker = proc.stdout.readline().split()
    if sealed != "True":
        proc.kill()
        pytest.skip("the kernel refuses namespaces here: no helper is started")
    folder = Path(broker).parent
    assert folder.name.startswith("airlock-loopback-") and Path(broker).exists()
    if ending == "is killed":
        proc.kill()
    proc.wait(timeout=60)
    deadline = time.monotonic() + 20
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not folder.exists()


@pytest.mark.skipif(not LINUX_NS, reason="network namespaces are Linux only")
def test_a_sealed_start_removes_folders_of_helpers_that_are_gone(tmp_path: Path) -> None:
    """Folders left by helpers that were killed outright (or by versions before the fix) are swept at the
    next sealed start; a live helper's folder, and one just made, stay."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    stale, fresh, live = (tmp_path / f"{seal.BROKER_PREFIX}{n}" for n in ("stale", "fresh", "live"))
    for folder in (stale, fresh, live):
        folder.mkdir()
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(stale / "broker.sock"))
    dead.close()  # a socket file nobody listens on
    listening = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listening.bind(str(live / "broker.sock"))
    listening.listen(1)
    old = time.time() - 3600
    for folder in (stale, live):
        os.utime(folder, (old, old))
    try:
        code = "from engine import seal\nprint(seal.seal_process().sealed)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT,
                             env=env)
        if out.stdout.strip() != "True":
            pytest.skip("the kernel refuses namespaces here: no helper is started")
        assert not stale.exists() and fresh.exists() and live.exists()
    finally:
        listening.close()
