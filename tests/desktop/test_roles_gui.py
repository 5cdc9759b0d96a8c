"""Roles in the GUI: the Members dialog (admins change, others read), pages hide what a role cannot do,
and the Audit page shows an event's details in words with the raw JSON one click away."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.workspace import Workspace


@pytest.fixture
def runner(qapp: Any) -> Any:
    from desktop.jobs import JobRunner

    return JobRunner()


def _screens(artifacts_dir: Path) -> Path:
    screens = artifacts_dir / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    return screens


def test_an_admin_adds_changes_and_removes_members(workspace: Workspace, qtbot: Any, styled_app: Any,
                                                   artifacts_dir: Path, shown_errors: list[Any]) -> None:
    from desktop.members_dialog import MembersDialog
    from desktop.qt import QComboBox

    workspace.membership.add("audrey", "auditor")
    dialog = MembersDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.add_button.isVisible() and dialog.table.rowCount() == 2
    dialog.name_edit.setText("otto")
    dialog.role_pick.setCurrentText("operator")
    dialog.add_button.click()
    assert ("otto", "operator") in workspace.members()
    row = [dialog.table.item(r, 0).data(256) for r in range(dialog.table.rowCount())].index("otto")
    pick = dialog.table.cellWidget(row, 1)
    assert isinstance(pick, QComboBox)
    pick.setCurrentText("expert")
    assert ("otto", "expert") in workspace.members()
    assert dialog.grab().save(str(_screens(artifacts_dir) / "members-dialog-admin.png"))
    dialog.table.setCurrentCell(row, 0)
    dialog.remove_button.click()
    assert "otto" not in dict(workspace.members())
    tester_row = [dialog.table.item(r, 0).data(256) for r in range(dialog.table.rowCount())].index("tester")
    dialog.table.setCurrentCell(tester_row, 0)
    dialog.remove_button.click()  # the only admin: refused with a message, nothing changes
    assert shown_errors and "only admin" in shown_errors[-1][1]
    assert ("tester", "admin") in workspace.members()
    actions = [e.action for e in workspace.audit.entries(action="member.", newest_first=False)]
    assert actions == ["member.added", "member.added", "member.role_changed", "member.removed"]


def test_a_non_admin_reads_the_members_but_cannot_change_them(workspace: Workspace, qtbot: Any,
                                                               styled_app: Any, as_user: Any) -> None:
    from desktop.members_dialog import MembersDialog

    workspace.membership.add("erin", "expert")
    with as_user("erin"), Workspace.open(workspace.root) as ws:
        dialog = MembersDialog(ws)
        qtbot.addWidget(dialog)
        dialog.show()
        assert not dialog.add_button.isVisible() and not dialog.remove_button.isVisible()
        assert dialog.table.cellWidget(0, 1) is None and dialog.table.item(0, 1).text() in ("expert", "admin")
        assert "Only an admin (tester) can change members" in dialog.intro.text()


def test_pages_hide_what_the_role_cannot_do(workspace: Workspace, qtbot: Any, styled_app: Any,
                                            runner: Any, as_user: Any) -> None:
    from desktop import roles
    from desktop.datasets.page import DatasetsPage

    page = DatasetsPage(runner)
    qtbot.addWidget(page)
    page.show()
    page.set_workspace(workspace)
    assert page.freeze_button.isVisible()  # tester is admin
    workspace.membership.add("audrey", "auditor")
    with as_user("audrey"), Workspace.open(workspace.root) as auditor:
        page.set_workspace(auditor)
        assert not page.freeze_button.isVisible() and not page.freeze_button.isEnabled()
        page.set_workspace(None)
    assert roles.needed_work("console", "Turn on") == "operator"
    assert roles.needed_work("console", "Export") == "expert"
    assert roles.needed_work("audit", "Verify chain") is None


def test_audit_page_reads_details_in_words_with_raw_json_a_click_away(workspace: Workspace, qtbot: Any,
                                                                     styled_app: Any, runner: Any,
                                                                     artifacts_dir: Path) -> None:
    from desktop.audit.page import AuditPage, readable_lines

    workspace.membership.add("bob", "operator")
    workspace.membership.set_role("bob", "expert")
    with workspace.unit() as s:
        workspace.audit.record(s, "evaluation.promoted_override", "artifact:3",
                               {"reason": "golden drop is one noisy item",
                                "signature": {"meaning": "responsible", "reason": "golden drop is one noisy item",
                                              "signer": "tester"}, "golden_drop": 1.5})
    page = AuditPage(runner)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    page.set_workspace(workspace)
    qtbot.waitUntil(lambda: not page.entries_read.busy, timeout=30_000)  # the events are read by a job
    changed = next(e for e in page.table.rows() if e.action == "member.role_changed")
    assert readable_lines(changed) == ["Changed: operator → expert"]
    signed = next(e for e in page.table.rows() if e.action == "evaluation.promoted_override")
    lines = readable_lines(signed)
    assert lines[0] == "Signed by tester as “responsible”: golden drop is one noisy item"
    assert "Reason: golden drop is one noisy item" in lines and "golden drop: 1.5" in lines
    page.table.select_first()  # newest first: the signed promotion
    assert page.selected is not None and "responsible" in page.detail.text()
    assert page.lineage_button.isEnabled()
    assert not page.raw.isVisible()
    page.raw_button.click()
    assert page.raw.isVisible() and '"meaning": "responsible"' in page.raw.toPlainText()
    assert page.grab().save(str(_screens(artifacts_dir) / "audit-page-details.png"))


def test_verify_on_the_audit_page_checks_the_seals_too(workspace: Workspace, qtbot: Any, styled_app: Any,
                                                       runner: Any, as_user: Any, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.audit.page import AuditPage
    from engine import audit_seals

    monkeypatch.setenv("AIRLOCK_STATE_DIR", str(tmp_path / "state"))
    workspace.membership.add("audrey", "auditor")
    audit_seals.create_key("audrey", "long enough passphrase")
    with as_user("audrey"), Workspace.open(workspace.root) as auditor:
        audit_seals.seal(auditor, "long enough passphrase")
    page = AuditPage(runner)
    qtbot.addWidget(page)
    page.show()
    page.set_workspace(workspace)
    page.verify()
    qtbot.waitUntil(lambda: page.verdict[1] in ("ok", "broken"), timeout=5000)
    text, state = page.verdict
    assert state == "ok" and "seal by audrey over event 2" in text and "valid" in text
    qtbot.waitUntil(lambda: page.verify_button.isEnabled(), timeout=5000)


def test_the_sign_dialog_needs_a_meaning_and_a_reason(qtbot: Any, styled_app: Any, artifacts_dir: Path) -> None:
    from desktop.sign_dialog import SignDialog

    dialog = SignDialog("promoting triage-v2 Q8_0 over a red gate", "tester")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok.isEnabled()
    dialog.meaning.setCurrentIndex(2)
    dialog.reason.setText("golden drop is one mislabelled item; fixed in v3")
    assert dialog.ok.isEnabled()
    signature = dialog.signature()
    assert (signature.meaning, signature.reason) == ("responsible", "golden drop is one mislabelled item; fixed in v3")
    assert dialog.grab().save(str(_screens(artifacts_dir) / "sign-dialog.png"))


def test_turning_keep_originals_on_in_the_gui_is_signed(workspace: Workspace, qtbot: Any, styled_app: Any,
                                                        signatures: list[str]) -> None:
    from desktop.documents.pii_settings import PrivacySettingsDialog

    dialog = PrivacySettingsDialog(workspace, "")
    qtbot.addWidget(dialog)
    dialog.keep_originals.setChecked(True)
    dialog.save()
    assert signatures == ["keeping original documents"]
    (event,) = workspace.audit.entries(action="pii.keep_originals_changed")
    assert event.details["signature"]["meaning"] == "approved" and event.details["new"] is True


def test_freezing_from_the_datasets_page_is_signed(workspace: Workspace, qtbot: Any, styled_app: Any,
                                                   runner: Any) -> None:
    from desktop.datasets.freeze_dialog import FreezeRequest
    from desktop.datasets.page import DatasetsPage
    from engine.datasets.freeze import SplitPlan
    from engine.signatures import Signature
    from tests.engine.tasks_data import classification_task, fault_corpus, labelled

    task = classification_task(workspace)
    labelled(workspace, task.id, fault_corpus()[:40])
    page = DatasetsPage(runner)
    qtbot.addWidget(page)
    page.show()
    page.set_workspace(workspace)
    page.start_freeze(FreezeRequest(task.id, "v1", SplitPlan(token_lengths=False)),
                      Signature("reviewed", "checked the label balance"))
    qtbot.waitUntil(lambda: page.freeze_job is None, timeout=20000)
    (event,) = workspace.audit.entries(action="dataset.frozen")
    assert event.details["signature"]["reason"] == "checked the label balance"


def test_the_lineage_view_shows_the_tree_and_exports_html(workspace: Workspace, qtbot: Any, styled_app: Any,
                                                          tmp_path: Path, artifacts_dir: Path) -> None:
    from desktop.audit.lineage_view import LineageDialog
    from tests.engine.test_lineage import PLANTED, traced

    ws, art_id, _doc = traced.__wrapped__(workspace, tmp_path)  # type: ignore[attr-defined]
    dialog = LineageDialog(ws, f"artifact:{art_id}")
    qtbot.addWidget(dialog)
    dialog.show()
    texts = []
    stack = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        texts.append(f"{item.text(0)} | {item.text(1)}")
        stack.extend(item.child(i) for i in range(item.childCount()))
    joined = "\n".join(texts)
    assert "Model triage-v1 Q8_0" in joined and "Training run" in joined and "Dataset version" in joined
    assert "Import file rows.csv" in joined and "PERSON at" in joined and "signed approved by tester" in joined
    assert "model.promoted" in joined and "signed responsible by tester" in joined
    assert [v for v in PLANTED if v in joined] == []
    assert dialog.grab().save(str(_screens(artifacts_dir) / "lineage-view.png"))
    out = dialog.export(tmp_path / "lineage.html")
    assert "Lineage of artifact:" in out.read_text()


def test_lineage_is_reachable_from_the_datasets_page(workspace: Workspace, qtbot: Any, styled_app: Any,
                                                     runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                     ) -> None:
    from desktop.audit import lineage_view
    from desktop.datasets.page import DatasetsPage
    from tests.engine.test_lineage import traced

    ws, _art, _doc = traced.__wrapped__(workspace, tmp_path)  # type: ignore[attr-defined]
    opened: list[str] = []
    monkeypatch.setattr(lineage_view.LineageDialog, "exec", lambda self: opened.append(self.windowTitle()))
    page = DatasetsPage(runner)
    qtbot.addWidget(page)
    page.show()
    page.set_workspace(ws)
    page.versions.clearSelection()
    page.lineage_button.click()
    assert opened == [] and "Select a row first" in page.banner.text()
    page.versions.select_first()
    page.lineage_button.click()
    assert opened == ["Lineage of version:1"]
