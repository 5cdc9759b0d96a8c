"""The anchor outside the workspace: tampering that keeps the chain self-consistent is still caught and named.

Each case does what someone with write access to the workspace folder could do, with plain sqlite3
and file copies, then checks that `audit verify` says what happened and where.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from engine.audit import GENESIS, HEAD_KEY, event_hash
from engine.cli import main
from engine.store.db import backup_database
from engine.workspace import Workspace


def _add_events(ws: Workspace, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with ws.unit() as s:
            ws.audit.record(s, "test.event", f"item:{i}", {"i": i})


def _raw(root: Path) -> sqlite3.Connection:
    con = sqlite3.connect(root / "airlock.db")
    con.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
    con.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    return con


def _recompute_chain(con: sqlite3.Connection) -> None:
    """What a careful forger does after changing events: renumber, rehash everything, fix the head."""
    rows = con.execute("SELECT ts, os_user, role, action, subject, details FROM audit_events "
                       "ORDER BY seq, id").fetchall()
    con.execute("DELETE FROM audit_events")
    prev = GENESIS
    for seq, (ts, user, role, action, subject, details) in enumerate(rows, start=1):
        digest = event_hash(prev, seq, ts, user, role, action, subject, details)
        con.execute("INSERT INTO audit_events (id, seq, ts, os_user, role, action, subject, details, prev_hash, "
                    "hash) VALUES (?,?,?,?,?,?,?,?,?,?)", (seq, seq, ts, user, role, action, subject, details,
                                                          prev, digest))
        prev = digest
    con.execute("UPDATE settings SET value=? WHERE key=?", (f"{len(rows)}:{prev}", HEAD_KEY))
    con.commit()


def _reopened_report(root: Path) -> Any:
    with Workspace.open(root) as ws:
        return ws.audit.verify()


def test_every_commit_is_anchored_outside_the_workspace(workspace: Workspace) -> None:
    _add_events(workspace, 3)
    anchor = workspace.audit.anchor
    assert anchor is not None and not anchor.path.is_relative_to(workspace.root)
    assert [h.seq for h in anchor.heads()] == [1, 2, 3, 4]
    newest = workspace.audit.entries(limit=1)[0]
    assert (anchor.heads()[-1].seq, anchor.heads()[-1].hash) == (newest.seq, newest.hash)
    with pytest.raises(RuntimeError), workspace.unit() as s:  # a rolled-back change anchors nothing
        workspace.audit.record(s, "test.event", "item:x", {})
        raise RuntimeError("failed")
    assert len(anchor.heads()) == 4
    report = workspace.audit.verify()
    assert report.ok and report.anchored == 4 and "all 4 heads" in report.describe()


def test_rollback_to_an_older_copy_is_caught(workspace: Workspace) -> None:
    _add_events(workspace, 2)
    root = workspace.root
    backup_database(root / "airlock.db", root.parent / "old-copy.db")  # someone keeps a copy of the folder
    _add_events(workspace, 3, start=2)  # ... more work happens ...
    workspace.close()
    for leftover in ("airlock.db-wal", "airlock.db-shm"):
        (root / leftover).unlink(missing_ok=True)
    shutil.copy(root.parent / "old-copy.db", root / "airlock.db")  # ... and the copy is put back
    report = _reopened_report(root)
    assert not report.ok and report.first_bad_seq == 4
    assert "ends at event 3 but this account anchored event 6" in (report.problem or "")
    assert "rolled back to an older copy" in (report.problem or "")


def test_truncation_with_the_head_fixed_is_caught(workspace: Workspace) -> None:
    _add_events(workspace, 5)
    workspace.close()
    con = _raw(workspace.root)
    con.execute("DELETE FROM audit_events WHERE seq > 3")
    last = con.execute("SELECT hash FROM audit_events WHERE seq = 3").fetchone()[0]
    con.execute("UPDATE settings SET value=? WHERE key=?", (f"3:{last}", HEAD_KEY))
    con.commit()
    con.close()
    report = _reopened_report(workspace.root)
    assert not report.ok and report.first_bad_seq == 4
    assert "ends at event 3 but this account anchored event 6" in (report.problem or "")


def test_a_whole_chain_recompute_is_caught(workspace: Workspace) -> None:
    _add_events(workspace, 4)
    workspace.close()
    con = _raw(workspace.root)
    con.execute("UPDATE audit_events SET details='{\"i\":99}' WHERE seq = 3")
    _recompute_chain(con)
    con.close()
    report = _reopened_report(workspace.root)
    assert not report.ok and report.first_bad_seq == 3
    assert "rewritten and its hashes recomputed" in (report.problem or "")


def test_a_forged_insert_is_caught(workspace: Workspace) -> None:
    _add_events(workspace, 4)
    workspace.close()
    con = _raw(workspace.root)
    ts = con.execute("SELECT ts FROM audit_events WHERE seq = 2").fetchone()[0]
    con.execute("UPDATE audit_events SET seq = seq * 10")
    con.execute("INSERT INTO audit_events (seq, ts, os_user, role, action, subject, details, prev_hash, hash) "
                "VALUES (15, ?, 'tester', 'admin', 'member.added', 'member:mallory', '{\"role\":\"admin\"}', '', '')",
                (ts,))
    _recompute_chain(con)  # the forged event becomes event 2, everything after it shifts and is rehashed
    con.close()
    report = _reopened_report(workspace.root)
    assert not report.ok and report.first_bad_seq == 2
    assert "recomputed, or events were inserted" in (report.problem or "")


def test_a_migration_backup_copied_over_the_database_is_named(workspace: Workspace) -> None:
    _add_events(workspace, 2)
    root = workspace.root
    backup = root / "backups" / "airlock-0006_evaluation_review-20260101T000000Z.db"
    backup.parent.mkdir(exist_ok=True)
    backup_database(root / "airlock.db", backup)  # what engine.store.migrate.upgrade keeps before a migration
    _add_events(workspace, 2, start=2)
    workspace.close()
    for leftover in ("airlock.db-wal", "airlock.db-shm"):
        (root / leftover).unlink(missing_ok=True)
    shutil.copy(backup, root / "airlock.db")
    report = _reopened_report(root)
    assert not report.ok
    assert "a copy of the migration backup backups/airlock-0006_evaluation_review-" in (report.problem or "")


def test_cli_verify_names_the_rollback(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    root = workspace.root
    backup_database(root / "airlock.db", root.parent / "old.db")
    _add_events(workspace, 1)
    workspace.close()
    for leftover in ("airlock.db-wal", "airlock.db-shm"):
        (root / leftover).unlink(missing_ok=True)
    shutil.copy(root.parent / "old.db", root / "airlock.db")
    assert main(["audit", "verify", "--workspace", str(root)]) == 1
    out = capsys.readouterr().out
    assert "broken at event 2" in out and "rolled back" in out


def test_another_account_without_an_anchor_is_told_so(workspace: Workspace, as_user: Any) -> None:
    workspace.membership.add("audrey", "auditor")
    import os

    os.environ["AIRLOCK_STATE_DIR"], saved = str(workspace.root.parent / "audrey-state"), os.environ[
        "AIRLOCK_STATE_DIR"]
    try:
        with as_user("audrey"), Workspace.open(workspace.root) as ws:
            report = ws.audit.verify()
    finally:
        os.environ["AIRLOCK_STATE_DIR"] = saved
    assert report.ok and "holds no anchor" in report.describe()


def test_a_copied_workspace_folder_goes_its_own_way(workspace: Workspace, tmp_path: Path) -> None:
    """A copy keeps the workspace id; both folders then add different events and each still verifies
    against the heads anchored for it, while rolling the copy back is still caught."""
    _add_events(workspace, 2)
    root = workspace.root
    workspace.close()
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    report = _reopened_report(copy)
    assert report.ok and "it was moved or copied" in report.describe() and str(root) in report.describe()
    with Workspace.open(root) as ws:
        _add_events(ws, 3, start=10)
    with Workspace.open(copy) as ws:
        _add_events(ws, 2, start=20)
    shutil.copy(copy / "airlock.db", tmp_path / "copy-old.db")
    with Workspace.open(copy) as ws:
        _add_events(ws, 1, start=30)
    assert _reopened_report(root).ok
    report = _reopened_report(copy)
    assert report.ok and report.anchored and report.anchored >= 3
    for leftover in ("airlock.db-wal", "airlock.db-shm"):
        (copy / leftover).unlink(missing_ok=True)
    shutil.copy(tmp_path / "copy-old.db", copy / "airlock.db")
    report = _reopened_report(copy)
    assert not report.ok and "rolled back" in (report.problem or "")
