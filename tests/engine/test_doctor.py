"""`airlock doctor`: each check reports what is really there, and every problem is named."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from engine import doctor
from engine.cli import main
from engine.workspace import Workspace


def test_a_workspace_with_an_intact_chain_passes_and_an_edited_one_is_named(workspace: Workspace) -> None:
    with workspace.unit() as s:
        workspace.audit.record(s, "test.event", "item:1", {"i": 1})
    root = workspace.root
    workspace.close()
    checks = {c.name: c for c in doctor.check_workspace(root)}
    assert checks["schema"].status == "ok" and "(current)" in checks["schema"].detail
    assert checks["audit chain"].status == "ok"

    con = sqlite3.connect(root / "airlock.db")
    con.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
    con.execute("UPDATE audit_events SET details='{\"i\":99}' WHERE action='test.event'")
    con.commit()
    con.close()
    checks = {c.name: c for c in doctor.check_workspace(root)}
    assert checks["audit chain"].status == "problem" and "edited" in checks["audit chain"].detail


def test_a_folder_that_is_not_a_workspace_is_a_problem(tmp_path: Path) -> None:
    (only,) = doctor.check_workspace(tmp_path)
    assert only.status == "problem" and "not an Airlock workspace" in only.detail


def test_missing_and_crashing_libraries_are_named_without_killing_the_doctor(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "crashes_on_import.py").write_text("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")
    monkeypatch.setenv("PYTHONPATH", f"{tmp_path}:{os.environ.get('PYTHONPATH', '')}")
    monkeypatch.setattr(doctor, "DEPENDENCIES", (
        ("sqlalchemy", "SQLAlchemy", "workspace database"),
        ("no_such_module_here", "no-such-dist", "nothing"),
        ("crashes_on_import", "crashes", "a library that dies on this CPU"),
        ("jinja2", "Jinja2", "after the crash"),
    ))
    checks = {c.name: c for c in doctor.check_dependencies(gpu=False)}
    assert checks["SQLAlchemy"].status == "ok" and checks["SQLAlchemy"].detail.startswith("2.")
    assert checks["no-such-dist"].status == "problem"
    assert "No module named 'no_such_module_here'" in checks["no-such-dist"].detail
    assert checks["crashes"].status == "problem"
    assert checks["crashes"].detail == "importing crashes_on_import killed the process (SIGSEGV) " \
                                       "(a library that dies on this CPU)"
    assert checks["Jinja2"].status == "problem" and "an earlier import failed" in checks["Jinja2"].detail


def test_seal_and_guard_are_reported_as_they_are() -> None:
    checks = {c.name: c for c in doctor.check_seal()}
    # pytest is not sealed (the sealed program is checked in tests/packaging/test_offline_bundle.py)
    assert checks["kernel seal"].status == "warning"
    assert checks["kernel seal"].detail.startswith("NOT sealed by the kernel")
    assert checks["Python guard"].status == "ok"


def test_a_gpu_installation_that_finds_no_driver_says_so_with_its_parts(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)  # no nvidia-smi, as on every CI machine
    monkeypatch.setattr(doctor.sys, "prefix", str(tmp_path))
    assert doctor.check_gpu()[0][0].status == "info"  # not installed from a bundle: nothing was promised
    record = {"variant": "gpu", "distributions": {"torch": "2.13.0", "bitsandbytes": "0.50.2"}}
    (tmp_path / doctor.BUNDLE_RECORD).write_text(json.dumps(record))
    checks, has_gpu = doctor.check_gpu()
    assert not has_gpu and len(checks) == 1 and checks[0].status == "warning"
    assert checks[0].detail.startswith("the GPU installation (torch 2.13.0, bitsandbytes 0.50.2, unsloth missing) "
                                       "finds no NVIDIA driver")
    record["variant"] = "cpu"
    (tmp_path / doctor.BUNDLE_RECORD).write_text(json.dumps(record))
    assert doctor.check_gpu()[0][0].status == "info"
    assert doctor.check_bundle()[0].detail.startswith("differs from the bundle: ")


def test_resources_name_the_free_disk_and_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(doctor.MIN_FREE_DISK_ENV, raising=False)
    free = shutil.disk_usage(tmp_path).free  # whatever this machine has: the test must not depend on it
    monkeypatch.setattr(doctor, "MIN_FREE_DISK", free // 2)
    disk, memory = doctor.check_resources(tmp_path)
    assert disk.status == "ok" and f"free at {tmp_path}" in disk.detail and "need" not in disk.detail
    assert "GiB in all" in memory.detail
    monkeypatch.setattr(doctor, "MIN_FREE_DISK", 10**18)
    disk = doctor.check_resources(tmp_path)[0]
    assert disk.status == "problem" and disk.detail.endswith("(need 931322574.6 GiB)")


def test_the_admin_may_ask_for_less_or_more_free_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    free = shutil.disk_usage(tmp_path).free
    monkeypatch.setattr(doctor, "MIN_FREE_DISK", 10**18)  # the default would fail on any machine
    monkeypatch.setenv(doctor.MIN_FREE_DISK_ENV, "0.5")
    disk = doctor.check_resources(tmp_path)[0]
    assert disk.status == ("ok" if free >= 2**29 else "problem")
    assert disk.detail.endswith(f"; {doctor.MIN_FREE_DISK_ENV} asks for 0.5 GiB")
    monkeypatch.setattr(doctor, "MIN_FREE_DISK", 0)
    monkeypatch.setenv(doctor.MIN_FREE_DISK_ENV, str(2 * free / 1024**3))  # more than there is
    assert doctor.check_resources(tmp_path)[0].status == "problem"
    for bad in ("lots", "-1", "nan", "inf"):
        monkeypatch.setenv(doctor.MIN_FREE_DISK_ENV, bad)
        disk = doctor.check_resources(tmp_path)[0]
        assert disk.status == "ok"  # the default (0 here) is asked instead, and the bad value is named
        assert f"{doctor.MIN_FREE_DISK_ENV}={bad!r} is not a number of GiB" in disk.detail


def test_the_command_exits_0_or_1_with_every_problem_named(workspace: Workspace, tmp_path: Path) -> None:
    root = workspace.root
    workspace.close()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["doctor", "--json", "--no-selftest", "--workspace", str(root)])
    report = json.loads(out.getvalue())
    names = {c["name"] for c in report["checks"]}
    assert {"Python", "torch", "llama-cpp-python", "self-test", "disk", "memory", "kernel seal", "schema",
            "audit chain"} <= names
    problems = [c for c in report["checks"] if c["status"] == "problem"]
    assert code == (1 if problems else 0) and report["ok"] == (not problems)
    assert report["problems"] == [f"{c['name']}: {c['detail']}" for c in problems]

    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(["doctor", "--no-selftest", "--workspace", str(tmp_path / "nothing")])
    assert code == 1
    assert f"{tmp_path / 'nothing'}: not an Airlock workspace" in err.getvalue()
