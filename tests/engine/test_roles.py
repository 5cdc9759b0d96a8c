"""Members and roles, enforced by the engine: who may do what, who is refused and how, all audited."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.cli import main
from engine.errors import NotAMember, RoleRefused
from engine.members import work_for_action
from engine.workspace import Workspace
from tests.engine.tasks_data import add_examples, classification_task


def _open_as(as_user: Any, name: str, root: Path) -> Workspace:
    with as_user(name):
        return Workspace.open(root)


def test_a_non_member_is_refused_naming_the_admin(workspace: Workspace, as_user: Any) -> None:
    with as_user("mallory"), pytest.raises(NotAMember) as refused:
        Workspace.open(workspace.root)
    message = str(refused.value)
    assert "mallory is not a member" in message and "tester" in message
    assert "airlock members add mallory" in message
    # nor can they make themselves admin by "creating" the existing workspace again
    with as_user("mallory"), pytest.raises(NotAMember):
        Workspace.create(workspace.root)
    assert workspace.members() == [("tester", "admin")]


def test_members_cli_add_list_set_role_remove_all_audited(workspace: Workspace,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    w = ["--workspace", str(workspace.root)]
    assert main(["members", "add", "alice", "--role", "auditor", *w]) == 0
    assert main(["members", "add", "bob", "--role", "operator", *w]) == 0
    assert main(["members", "set-role", "bob", "expert", *w]) == 0
    capsys.readouterr()
    assert main(["members", "list", *w]) == 0
    listing = capsys.readouterr().out
    assert "alice" in listing and "auditor" in listing and "bob" in listing and "(you)" in listing
    assert main(["members", "remove", "alice", *w]) == 0
    assert workspace.members() == [("bob", "expert"), ("tester", "admin")]
    events = [(e.action, e.subject, e.details) for e in workspace.audit.entries(action="member.", newest_first=False)]
    assert events == [("member.added", "member:alice", {"role": "auditor"}),
                      ("member.added", "member:bob", {"role": "operator"}),
                      ("member.role_changed", "member:bob", {"old": "operator", "new": "expert"}),
                      ("member.removed", "member:alice", {"old": "auditor"})]
    capsys.readouterr()
    assert main(["audit", "show", "--action", "member.", *w]) == 0  # details in words
    assert "Changed: operator → expert" in capsys.readouterr().out
    assert main(["members", "add", "bob", "--role", "admin", *w]) == 2
    assert "already a member" in capsys.readouterr().err
    assert main(["members", "remove", "tester", *w]) == 2  # the only admin stays
    assert "only admin" in capsys.readouterr().err
    assert workspace.audit.verify().ok


def test_only_an_admin_changes_members(workspace: Workspace, as_user: Any,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    workspace.membership.add("erin", "expert")
    with as_user("erin"):
        assert main(["members", "add", "mallory", "--role", "admin", "--workspace", str(workspace.root)]) == 2
        assert main(["members", "set-role", "erin", "admin", "--workspace", str(workspace.root)]) == 2
    err = capsys.readouterr().err
    assert "erin acts as expert" in err and "needs the admin role" in err and "Ask the admin (tester)" in err
    assert workspace.members() == [("erin", "expert"), ("tester", "admin")]


def test_an_auditor_reads_and_verifies_but_changes_nothing(workspace: Workspace, as_user: Any) -> None:
    task = classification_task(workspace)
    ex = add_examples(workspace, task.id, ["Fuse blown on line 3"])[0]
    workspace.membership.add("audrey", "auditor")
    before = workspace.audit.entries(limit=1)[0].seq
    auditor = _open_as(as_user, "audrey", workspace.root)
    try:
        assert auditor.audit.verify().ok and auditor.tasks.all()  # reads
        refusals = [
            lambda: auditor.tasks.set_label(ex, "electrical"),
            lambda: auditor.tasks.create("t2", "generation", {}, "s", "{input}"),
            lambda: auditor.datasets.freeze(task.id, "v1"),
            lambda: auditor.documents.import_files([workspace.root / "nothing.txt"]),
            lambda: auditor.training.cancel(1),
            lambda: auditor.evaluation.promote(1),
            lambda: auditor.set_setting("dataset.min_examples", "1"),
            lambda: auditor.membership.add("x", "admin"),
        ]
        for attempt in refusals:
            with pytest.raises(RoleRefused, match="audrey acts as auditor"):
                attempt()
    finally:
        auditor.close()
    assert workspace.audit.entries(limit=1)[0].seq == before  # nothing was recorded, nothing changed
    assert workspace.tasks.final_labels(task.id) == {}


def test_an_operator_uses_the_console_settings_but_not_the_data(workspace: Workspace, as_user: Any) -> None:
    workspace.membership.add("otto", "operator")
    operator = _open_as(as_user, "otto", workspace.root)
    try:
        operator.set_setting("console.confidence_threshold", "0.7")  # the review queue's threshold
        with pytest.raises(RoleRefused, match="needs the expert"):
            operator.set_setting("evaluation.gate.max_golden_drop", "50")
        with pytest.raises(RoleRefused):
            classification_task(operator)
    finally:
        operator.close()
    (entry,) = workspace.audit.entries(action="setting.changed")
    assert (entry.os_user, entry.role) == ("otto", "operator")


def test_the_log_itself_refuses_a_change_no_entry_point_guarded(workspace: Workspace, as_user: Any) -> None:
    """The backstop: every audit event is checked against the role its action needs, in the
    same transaction, so the change it belongs to rolls back with it."""
    from engine.store.models import Setting

    workspace.membership.add("audrey", "auditor")
    auditor = _open_as(as_user, "audrey", workspace.root)
    try:
        with pytest.raises(RoleRefused), auditor.unit() as s:
            s.add(Setting(key="sneaky", value="1"))
            auditor.audit.record(s, "dataset.frozen", "dataset_version:99", {})
    finally:
        auditor.close()
    assert workspace.setting("sneaky") is None


def test_a_role_change_applies_at_once_even_to_an_open_workspace(workspace: Workspace, as_user: Any) -> None:
    workspace.membership.add("erin", "expert")
    expert = _open_as(as_user, "erin", workspace.root)
    try:
        classification_task(expert, "first")
        workspace.membership.set_role("erin", "auditor")
        with pytest.raises(RoleRefused, match="erin acts as auditor"):
            classification_task(expert, "second")
    finally:
        expert.close()


@pytest.mark.parametrize(("action", "work"), [
    ("member.added", "admin"), ("pii.keep_originals_changed", "admin"), ("console.chat", "operator"),
    ("console.reviewed", "operator"), ("audit.sealed", "seal"), ("evaluation.report_exported", "read"),
    ("dataset.frozen", "expert"), ("training.created", "expert"), ("evaluation.promoted", "expert"),
    ("something.new", "expert"),
])
def test_actions_map_to_the_work_they_are(action: str, work: str) -> None:
    assert work_for_action(action) == work


def test_the_environment_cannot_change_who_you_are(tmp_path: Path) -> None:
    """Outside the test suite's own sitecustomize, AIRLOCK_USER (or any variable) changes nothing."""
    env = {k: v for k, v in os.environ.items() if k not in ("AIRLOCK_TEST_SUITE_USER", "PYTHONPATH")}
    env.update(AIRLOCK_USER="admin", USER="admin", LOGNAME="admin", USERNAME="admin")
    probe = "from engine.identity import current_os_user; print(current_os_user())"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True,
                         cwd=Path(__file__).resolve().parents[2], timeout=60).stdout.strip()
    import pwd

    assert out == pwd.getpwuid(os.getuid()).pw_name
