"""Signatures with meaning at the gates: the signer, meaning and reason are written into the gate
change's own event (bound to it by the hash chain)."""

from __future__ import annotations

from typing import Any

import pytest

from engine.cli import main
from engine.signatures import Signature, SignatureInvalid, SignatureRequired, signature_for, signing
from engine.workspace import Workspace
from tests.engine.tasks_data import classification_task, fault_corpus, labelled


def _task_with_examples(ws: Workspace) -> int:
    task = classification_task(ws)
    labelled(ws, task.id, fault_corpus()[:45])
    return int(task.id)


def test_cli_freeze_records_the_signature_in_the_frozen_event(workspace: Workspace,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    task_id = _task_with_examples(workspace)
    assert main(["dataset", "freeze", "--task", str(task_id), "--name", "v1", "--no-tokens", "--quiet",
                 "--meaning", "approved", "--reason", "labels double-checked by the shift leads",
                 "--workspace", str(workspace.root)]) == 0
    (frozen,) = workspace.audit.entries(action="dataset.frozen")
    sig = frozen.details["signature"]
    assert {k: sig[k] for k in ("signer", "role", "meaning", "reason")} == {
        "signer": "tester", "role": "admin", "meaning": "approved",
        "reason": "labels double-checked by the shift leads"}
    assert workspace.audit.verify().ok


def test_a_signature_without_a_reason_stops_the_change(workspace: Workspace,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    task_id = _task_with_examples(workspace)
    assert main(["dataset", "freeze", "--task", str(task_id), "--name", "v1", "--no-tokens", "--quiet",
                 "--meaning", "approved", "--workspace", str(workspace.root)]) == 2
    assert "needs a reason" in capsys.readouterr().err
    assert workspace.datasets.versions() == []
    with pytest.raises(SystemExit):  # argparse refuses a meaning that is not one of the three
        main(["dataset", "freeze", "--task", str(task_id), "--name", "v1", "--meaning", "ok", "--reason", "fine",
              "--workspace", str(workspace.root)])
    with pytest.raises(SignatureInvalid, match="one of reviewed, approved, responsible"):
        Signature("fine", "because")


def test_keep_originals_on_is_signed_and_off_is_not(workspace: Workspace) -> None:
    root = str(workspace.root)
    assert main(["pii", "keep-originals", "on", "--meaning", "responsible", "--reason", "legal hold on case 12",
                 "--workspace", root]) == 0
    assert main(["pii", "keep-originals", "off", "--workspace", root]) == 0
    on, off = workspace.audit.entries(action="pii.keep_originals_changed", newest_first=False)
    assert on.details["signature"]["meaning"] == "responsible" and "signature" not in off.details


def test_a_pending_signature_only_signs_gate_changes(workspace: Workspace) -> None:
    task_id = _task_with_examples(workspace)
    from engine.datasets.freeze import SplitPlan

    with signing(Signature("reviewed", "spot-checked 20 examples")):
        workspace.tasks.create("other", "generation", {}, "Summarise.", "{input}")
        version = workspace.datasets.freeze(task_id, "v1", SplitPlan(token_lengths=False))
    created = workspace.audit.entries(action="task.created")[0]
    frozen = workspace.audit.entries(action="dataset.frozen")[0]
    assert "signature" not in created.details
    assert frozen.subject == f"dataset_version:{version.id}" and frozen.details["signature"]["meaning"] == "reviewed"
    with pytest.raises(SignatureRequired):  # outside the block nothing is pending: the engine refuses
        workspace.datasets.freeze(task_id, "v2", SplitPlan(token_lengths=False, seed=3))
    assert len(workspace.datasets.versions()) == 1


@pytest.mark.parametrize(("action", "signed"), [
    ("model.promoted", True), ("model.promoted_with_override", True), ("dataset.frozen", True),
    ("pii.keep_originals_changed", True), ("label.set", False), ("training.created", False),
])
def test_which_actions_are_signed(action: str, signed: bool) -> None:
    with signing(Signature("approved", "release 3")):
        assert (signature_for(action) is not None) == signed
    assert signature_for(action) is None


def test_the_signature_is_bound_to_its_event_by_the_chain(workspace: Workspace, as_user: Any) -> None:
    import sqlite3

    assert main(["pii", "keep-originals", "on", "--meaning", "approved", "--reason", "audit request 7",
                 "--workspace", str(workspace.root)]) == 0
    (event,) = workspace.audit.entries(action="pii.keep_originals_changed")
    con = sqlite3.connect(workspace.db_path)
    con.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
    con.execute("UPDATE audit_events SET details = replace(details, 'approved', 'reviewed') WHERE seq = ?",
                (event.seq,))
    con.commit()
    con.close()
    report = workspace.audit.verify()
    assert not report.ok and report.first_bad_seq == event.seq
