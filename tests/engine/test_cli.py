"""CLI errors are one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from engine.workspace import Workspace


def airlock(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_init_then_status(tmp_path: Path) -> None:
    r = airlock("init", "--workspace", str(tmp_path / "w"))
    assert r.returncode == 0, r.stderr
    r = airlock("status", "--workspace", str(tmp_path / "w"))
    assert r.returncode == 0 and '"audit_events": 1' in r.stdout


def test_missing_workspace(tmp_path: Path) -> None:
    r = airlock("audit", "verify", "--workspace", str(tmp_path / "none"))
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "no Airlock workspace" in r.stderr
    assert "Traceback" not in r.stderr


def test_init_refuses_a_non_empty_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "thesis.docx").write_text("precious")
    r = airlock("init", "--workspace", str(tmp_path / "w"))
    assert r.returncode == 2 and "not empty" in r.stderr
    assert (tmp_path / "w" / "thesis.docx").read_text() == "precious"


def test_locked_database(tmp_path: Path) -> None:
    Workspace.create(tmp_path / "w").close()
    holder = sqlite3.connect(tmp_path / "w" / "airlock.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    doc = tmp_path / "note.txt"
    doc.write_text("a fault report")
    try:
        r = airlock("import", "--workspace", str(tmp_path / "w"), str(doc), env={"AIRLOCK_DB_TIMEOUT_S": "0.5"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.returncode == 2 and "locked by another process" in r.stderr
    assert "Traceback" not in r.stderr


def test_unreadable_file(tmp_path: Path) -> None:
    """A file whose read fails at the OS level (works as root too: /proc/self/mem gives EIO)."""
    Workspace.create(tmp_path / "w").close()
    unreadable = tmp_path / "report.txt"
    unreadable.symlink_to("/proc/self/mem")
    r = airlock("import", "--workspace", str(tmp_path / "w"), str(unreadable))
    assert r.returncode == 1
    assert "report.txt" in r.stderr and "cannot be read" in r.stderr
    assert "Traceback" not in r.stderr


def test_bad_files_are_named_and_the_good_ones_kept(tmp_path: Path) -> None:
    Workspace.create(tmp_path / "w").close()
    good = tmp_path / "good.txt"
    good.write_text("The press stopped with a hydraulic leak.")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    missing = tmp_path / "gone.txt"
    r = airlock("import", "--workspace", str(tmp_path / "w"), str(good), str(empty), str(binary), str(missing))
    assert r.returncode == 1
    assert "empty.txt: the file is empty" in r.stderr
    assert "blob.txt: binary data" in r.stderr
    assert "gone.txt" in r.stderr
    assert "imported 1 documents" in r.stdout
    assert "Traceback" not in r.stderr


def test_pii_scan_json_gives_offsets_and_redacted_text(tmp_path: Path) -> None:
    import json

    text = ("Reported by Anna Schmidt (anna.schmidt@northplant.example.com), call +49 151 2345 6789. "
            "The hydraulic pump on press 4 cavitates.")
    report = tmp_path / "report.txt"
    report.write_text(text)
    empty = tmp_path / "blank.md"
    empty.write_text("  \n")
    r = airlock("pii", "scan", str(report), str(empty), "--json")
    assert r.returncode == 1  # one file could not be scanned, and says why
    out = json.loads(r.stdout)
    assert out[1] == {"file": str(empty), "error": "the file is empty"}
    found = {(e["type"], text[e["start"]:e["end"]]) for e in out[0]["entities"]}
    assert {("PERSON", "Anna Schmidt"), ("EMAIL_ADDRESS", "anna.schmidt@northplant.example.com"),
            ("PHONE_NUMBER", "+49 151 2345 6789")} <= found
    redacted = out[0]["redacted_text"]
    assert "Anna Schmidt" not in redacted and "<PERSON_1>" in redacted and "hydraulic pump" in redacted
    assert not (tmp_path / "airlock.db").exists()
