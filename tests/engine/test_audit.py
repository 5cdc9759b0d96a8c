"""The audit chain: intact logs verify; every kind of tampering is caught and named."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from engine.cli import main
from engine.errors import AirlockError
from engine.workspace import Workspace


def _add_events(ws: Workspace, n: int) -> None:
    for i in range(n):
        with ws.unit() as s:
            ws.audit.record(s, "test.event", f"item:{i}", {"i": i})


def _raw(ws: Workspace) -> sqlite3.Connection:
    con = sqlite3.connect(ws.db_path)
    con.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
    con.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    return con


def test_intact_chain_verifies_and_records_who(workspace: Workspace) -> None:
    _add_events(workspace, 5)
    report = workspace.audit.verify()
    assert report.ok and report.events == 6  # workspace.created + 5
    newest = workspace.audit.entries(limit=1)[0]
    assert (newest.os_user, newest.role, newest.action, newest.details) == ("tester", "admin", "test.event",
                                                                            {"i": 4})


def test_database_refuses_edits_to_the_log(workspace: Workspace) -> None:
    con = sqlite3.connect(workspace.db_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE audit_events SET action='x' WHERE seq=1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM audit_events WHERE seq=1")


@pytest.mark.parametrize(("tamper", "bad_seq", "words"), [
    ("UPDATE audit_events SET details='{\"i\":99}' WHERE seq=3", 3, "edited"),
    ("UPDATE audit_events SET os_user='mallory' WHERE seq=4", 4, "edited"),
    ("DELETE FROM audit_events WHERE seq=3", 3, "deleted"),
    ("UPDATE audit_events SET seq=-1 WHERE seq=2; UPDATE audit_events SET seq=2 WHERE seq=4; "
     "UPDATE audit_events SET seq=4 WHERE seq=-1", 2, "order"),
    ("DELETE FROM audit_events WHERE seq=6", 6, "newest"),
])
def test_tampering_is_caught_at_the_first_bad_event(workspace: Workspace, tamper: str, bad_seq: int,
                                                     words: str) -> None:
    _add_events(workspace, 5)
    con = _raw(workspace)
    con.executescript(tamper)
    con.commit()
    con.close()
    report = workspace.audit.verify()
    assert not report.ok
    assert report.first_bad_seq == bad_seq
    assert words in (report.problem or "")


def test_reordering_rows_by_id_is_caught(workspace: Workspace) -> None:
    _add_events(workspace, 3)
    con = _raw(workspace)
    rows = con.execute("SELECT id, seq, ts, os_user, role, action, subject, details, prev_hash, hash "
                       "FROM audit_events ORDER BY id").fetchall()
    con.execute("DELETE FROM audit_events")
    for row in [rows[0], rows[2], rows[1], rows[3]]:  # re-insert two events swapped
        con.execute("INSERT INTO audit_events (seq, ts, os_user, role, action, subject, details, prev_hash, "
                    "hash) VALUES (?,?,?,?,?,?,?,?,?)", row[1:])
    con.commit()
    con.close()
    report = workspace.audit.verify()
    assert not report.ok and report.first_bad_seq == 2


def test_cli_verify_exit_codes(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    _add_events(workspace, 3)
    root = str(workspace.root)
    assert main(["audit", "verify", "--workspace", root]) == 0
    assert "intact: 4 events" in capsys.readouterr().out
    con = _raw(workspace)
    con.execute("UPDATE audit_events SET subject='item:x' WHERE seq=2")
    con.commit()
    con.close()
    assert main(["audit", "verify", "--workspace", root]) == 1
    assert "broken at event 2" in capsys.readouterr().out


def test_event_rolls_back_with_a_failed_change(workspace: Workspace) -> None:
    before = workspace.audit.verify().events
    with pytest.raises(AirlockError), workspace.unit() as s:
        workspace.audit.record(s, "test.half_done", "item:1", {})
        raise AirlockError("the change failed after its event was written")
    assert workspace.audit.verify().events == before
    assert workspace.audit.entries(action="test.half_done") == []


def test_audit_show_filters(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    _add_events(workspace, 2)
    workspace.set_setting("keep_originals", "false")
    assert main(["audit", "show", "-w", str(workspace.root), "--action", "setting."]) == 0
    out = capsys.readouterr().out
    assert "setting.changed" in out and "test.event" not in out


def test_chain_spans_reopening(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "w")
    _add_events(ws, 2)
    ws.close()
    with Workspace.open(tmp_path / "w") as again:
        _add_events(again, 2)
        assert again.audit.verify().ok and again.audit.verify().events == 5
