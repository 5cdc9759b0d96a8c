"""Signed seals: an auditor signs the log's head; verify checks stored seals and one kept elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine import audit_seals
from engine.cli import main
from engine.errors import RoleRefused
from engine.workspace import Workspace
from tests.engine.test_audit_anchor import _add_events, _raw, _recompute_chain

PASS = "correct horse battery"


@pytest.fixture
def audited(workspace: Workspace, tmp_path: Path, as_user: Any,
            monkeypatch: pytest.MonkeyPatch) -> tuple[Workspace, Path]:
    """A workspace with an auditor 'audrey' who has a key and has sealed the log once (by the CLI)."""
    monkeypatch.setenv("AIRLOCK_STATE_DIR", str(tmp_path / "home-state"))  # each test: fresh keys
    _add_events(workspace, 3)
    workspace.membership.add("audrey", "auditor")
    secret = tmp_path / "pass.txt"
    secret.write_text(PASS + "\n")
    seal_file = tmp_path / "usb" / "seal.txt"
    seal_file.parent.mkdir()
    with as_user("audrey"):
        assert main(["audit", "keygen", "--passphrase-file", str(secret)]) == 0
        assert main(["audit", "seal", "--workspace", str(workspace.root), "--passphrase-file", str(secret),
                     "--out", str(seal_file)]) == 0
    return workspace, seal_file


def test_an_auditor_seals_and_verify_checks_stored_and_kept_seals(audited: tuple[Workspace, Path],
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    ws, seal_file = audited
    key = audit_seals.key_path("audrey")
    assert key.is_file() and not key.is_relative_to(ws.root)
    assert b"ENCRYPTED PRIVATE KEY" in key.read_bytes() and oct(key.stat().st_mode)[-3:] == "600"
    (sealed,) = ws.audit.entries(action="audit.sealed")
    assert (sealed.os_user, sealed.role, sealed.details["seq"]) == ("audrey", "auditor", 5)
    capsys.readouterr()
    assert main(["audit", "verify", "--workspace", str(ws.root), "--seal", str(seal_file)]) == 0
    out = capsys.readouterr().out
    assert "intact" in out and "stored seal by audrey over event 5" in out and f"{seal_file}: seal by audrey" in out
    assert "REFUSED" not in out


def test_an_altered_seal_file_is_refused(audited: tuple[Workspace, Path]) -> None:
    ws, seal_file = audited
    text = seal_file.read_text().replace("seq: 5", "seq: 4")
    result = audit_seals.verify_text(ws, text, "edited.txt")
    assert not result.ok and "altered" in (result.problem or "")
    with pytest.raises(audit_seals.SealError, match="not an Airlock audit seal"):
        audit_seals.verify_text(ws, "hello", "note.txt")


def test_a_seal_from_a_key_that_is_not_an_auditors_is_refused(audited: tuple[Workspace, Path],
                                                              as_user: Any, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    ws, _ = audited
    ws.membership.add("erin", "expert")
    audit_seals.create_key("erin", PASS)
    with as_user("erin"), Workspace.open(ws.root) as as_erin, pytest.raises(RoleRefused, match="auditor role"):
        audit_seals.seal(as_erin, PASS)
    # erin signs a seal herself, outside Airlock: a valid signature, but not an auditor's key
    key = audit_seals.load_key("erin", PASS)
    head = ws.audit.entries(limit=1)[0]
    unsigned = audit_seals.Seal(audit_seals.workspace_id(ws.root / "airlock-workspace.json"), head.seq,
                                head.hash, "erin", "2026-12-04T18:00:00", audit_seals.public_hex(key), "")
    forged = audit_seals.Seal(**{**unsigned.__dict__, "signature": key.sign(unsigned.payload()).hex()})
    (tmp_path / "erin.txt").write_text(forged.text())
    assert main(["audit", "verify", "--workspace", str(ws.root), "--seal", str(tmp_path / "erin.txt")]) == 1
    assert "no auditor of this workspace sealed with" in capsys.readouterr().out


def test_a_rewritten_log_breaks_its_seal(audited: tuple[Workspace, Path]) -> None:
    ws, seal_file = audited
    root = ws.root
    ws.close()
    con = _raw(root)
    con.execute("UPDATE audit_events SET details='{\"i\":7}' WHERE seq = 2")
    _recompute_chain(con)
    con.close()
    with Workspace.open(root) as again:
        result = audit_seals.verify_text(again, seal_file.read_text(), str(seal_file))
        stored = audit_seals.verify_all(again)
    assert not result.ok and "rewritten" in (result.problem or "")
    assert [r.ok for r in stored] == [False]


def test_wrong_passphrase_and_weak_passphrase(audited: tuple[Workspace, Path]) -> None:
    with pytest.raises(audit_seals.SealError, match="wrong passphrase"):
        audit_seals.load_key("audrey", "not the passphrase")
    with pytest.raises(audit_seals.SealError, match="at least 8"):
        audit_seals.create_key("someone", "short")
    with pytest.raises(audit_seals.SealError, match="already holds a key"):
        audit_seals.create_key("audrey", PASS)
