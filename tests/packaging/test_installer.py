"""install.sh and the bundle's manifest, on a tiny bundle made here (seconds, no network).

The tiny bundle holds pip (the wheel Python's ensurepip ships), one small library wheel and a
stand-in `airlock` wheel whose `airlock doctor` only reports that it ran: these tests are about the
installer's own promises (refusing altered, missing or foreign files; hash-checked install with no
index; wrapper, desktop entry and record; upgrading in place). The real bundle with the real
Airlock is installed by tests/packaging/test_offline_bundle.py.
"""

from __future__ import annotations

import base64
import ensurepip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
UNSHARE_N = ["unshare", "-n"] if shutil.which("unshare") and os.geteuid() == 0 else []


def _wheel(folder: Path, name: str, version: str, files: dict[str, str], scripts: str = "") -> Path:
    """A minimal valid wheel (METADATA, WHEEL, entry points, RECORD with hashes)."""
    info = f"{name}-{version}.dist-info"
    files = dict(files)
    files[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    files[f"{info}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    if scripts:
        files[f"{info}/entry_points.txt"] = f"[console_scripts]\n{scripts}\n"
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(text.encode())}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = "\n".join(record) + "\n"
    target = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w") as zf:
        for path, text in sorted(files.items()):
            zf.writestr(zipfile.ZipInfo(path, (1980, 1, 1, 0, 0, 0)), text)
    return target


def make_bundle(out: Path, airlock_version: str = "0.0.1") -> Path:
    wheelhouse = out / "wheelhouse"
    wheelhouse.mkdir(parents=True)
    shutil.copy(next((Path(ensurepip.__file__).parent / "_bundled").glob("pip-*.whl")), wheelhouse)
    _wheel(wheelhouse, "tinylib", "1.2.3", {"tinylib/__init__.py": "VALUE = 42\n"})
    _wheel(wheelhouse, "airlock", airlock_version, {
        "airlock_standin/__init__.py": (
            "import sys, tinylib\n"
            "def main():\n"
            f"    print('stand-in airlock {airlock_version}', ' '.join(sys.argv[1:]), tinylib.VALUE)\n"
            "    return 0\n")}, scripts="airlock = airlock_standin:main")
    shutil.copy(PACKAGING / "install.sh", out / "install.sh")
    (out / "share").mkdir()
    shutil.copy(PACKAGING / "airlock.desktop", out / "share")
    shutil.copy(PACKAGING / "airlock.svg", out / "share")
    pip = next(wheelhouse.glob("pip-*.whl")).name.split("-")[1]
    subprocess.run([sys.executable, str(PACKAGING / "bundle_manifest.py"), str(out), "--commit", "0" * 40,
                    "--variant", "cpu", "--nodeps", "", "--pip", f"pip=={pip}"], check=True)
    return out


def run_install(bundle: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), AIRLOCK_PYTHON=sys.executable)
    return subprocess.run([*UNSHARE_N, "bash", str(bundle / "install.sh"), *args], capture_output=True,
                          text=True, timeout=600, env=env)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_bundle(tmp_path_factory.mktemp("tiny") / "bundle")


def test_manifest_lists_every_file_with_version_hash_and_size(bundle: Path) -> None:
    manifest = json.loads((bundle / "manifest.json").read_text())
    on_disk = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*")
                     if p.is_file() and p.name not in ("manifest.json", "SHA256SUMS"))
    assert [f["path"] for f in manifest["files"]] == on_disk
    tiny = next(f for f in manifest["files"] if f["name"] == "tinylib")
    data = (bundle / tiny["path"]).read_bytes()
    assert tiny["version"] == "1.2.3" and tiny["sha256"] == hashlib.sha256(data).hexdigest()
    assert tiny["size"] == len(data)
    assert manifest["total_size"] == sum(f["size"] for f in manifest["files"])
    assert "tinylib==1.2.3 --hash=sha256:" + tiny["sha256"] in (bundle / "requirements.lock").read_text()
    assert "airlock==0.0.1 --hash=sha256:" in (bundle / "nodeps.lock").read_text()
    sums = dict(reversed(line.split("  ", 1)) for line in (bundle / "SHA256SUMS").read_text().splitlines())
    assert sums["manifest.json"] == hashlib.sha256((bundle / "manifest.json").read_bytes()).hexdigest()


def test_the_same_files_give_the_same_manifest_bytes(bundle: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    shutil.copytree(bundle, again)
    for name in ("manifest.json", "SHA256SUMS", "requirements.lock", "nodeps.lock", "airlock-bundle.json"):
        (again / name).unlink(missing_ok=True)
    subprocess.run([sys.executable, str(PACKAGING / "bundle_manifest.py"), str(again), "--commit", "0" * 40,
                    "--variant", "cpu", "--nodeps", "", "--pip", "pip==23.2.1"], check=True)
    for name in ("manifest.json", "SHA256SUMS", "requirements.lock"):
        assert (again / name).read_bytes() == (bundle / name).read_bytes(), name


@pytest.mark.parametrize("damage", ["altered", "missing", "foreign"])
def test_a_damaged_bundle_is_refused_naming_the_file(bundle: Path, tmp_path: Path, damage: str) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(bundle, copy)
    victim = copy / "wheelhouse" / "tinylib-1.2.3-py3-none-any.whl"
    if damage == "altered":
        data = bytearray(victim.read_bytes())
        data[100] ^= 0xFF
        victim.write_bytes(bytes(data))
    elif damage == "missing":
        victim.unlink()
    else:
        victim = copy / "wheelhouse" / "evil-6.6.6-py3-none-any.whl"
        victim.write_bytes(b"not from the bundle")
    result = run_install(copy, str(tmp_path / "prefix"), home=tmp_path)
    assert result.returncode == 1
    assert "refused" in result.stderr and victim.name in result.stderr
    assert not (tmp_path / "prefix" / "venv").exists()  # nothing was installed


def test_install_offline_then_upgrade_in_place(tmp_path: Path) -> None:
    home, prefix = tmp_path / "home", tmp_path / "opt" / "airlock"
    home.mkdir()
    first = make_bundle(tmp_path / "b1", "0.0.1")
    assert run_install(first, "--check", home=home).returncode == 0
    result = run_install(first, str(prefix), home=home)
    assert result.returncode == 0, result.stderr
    assert "stand-in airlock 0.0.1 doctor 42" in result.stdout  # install.sh ends with `airlock doctor`
    entry = (home / "data" / "applications" / "airlock.desktop").read_text()
    assert f"Exec={prefix}/bin/airlock gui" in entry and f"Icon={prefix}/share/icons/airlock.svg" in entry
    assert (prefix / "share" / "icons" / "airlock.svg").is_file()
    record = json.loads((prefix / "venv" / "airlock-bundle.json").read_text())
    assert record["distributions"]["tinylib"] == "1.2.3"
    assert record["manifest_sha256"] == hashlib.sha256((first / "manifest.json").read_bytes()).hexdigest()

    workspace = home / "workspace-kept"
    workspace.mkdir()
    (workspace / "airlock.db").write_bytes(b"user data")
    second = make_bundle(tmp_path / "b2", "0.0.2")
    result = run_install(second, str(prefix), home=home)
    assert result.returncode == 0, result.stderr
    out = subprocess.run([str(prefix / "bin" / "airlock"), "status"], capture_output=True, text=True)
    assert out.stdout.strip() == "stand-in airlock 0.0.2 status 42"
    assert (workspace / "airlock.db").read_bytes() == b"user data"
