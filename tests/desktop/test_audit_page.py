"""The audit page: filters narrow the events, Verify chain tells intact from tampered."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from desktop.audit.page import AuditPage, action_choices
from desktop.qt import Qt


@pytest.fixture
def audit_page(window: Any, filled: Any, qtbot: Any) -> AuditPage:
    ws, _counts = filled
    window.set_workspace(ws)
    window.show_page("audit")
    page = window.current_page()
    assert isinstance(page, AuditPage)
    return read(page, qtbot)


def read(page: AuditPage, qtbot: Any) -> AuditPage:
    """The events are read by a job: wait until they are shown."""
    qtbot.waitUntil(lambda: not page.entries_read.busy, timeout=30_000)
    return page


def choose(combo: Any, value: str) -> None:
    at = combo.findData(value)
    assert at >= 0, f"{value!r} not offered"
    combo.setCurrentIndex(at)


def test_action_choices_offer_groups_then_actions() -> None:
    choices = action_choices(["document.imported", "document.redacted", "workspace.created"])
    assert choices[0] == ("All actions", "")
    assert ("document.*", "document.") in choices
    assert [v for _s, v in choices][-3:] == ["document.imported", "document.redacted", "workspace.created"]


def test_filters_narrow_the_events(audit_page: AuditPage, qtbot: Any) -> None:
    everything = audit_page.table.row_count()
    assert everything == 17

    choose(audit_page.action_filter, "document.")
    read(audit_page, qtbot)
    actions = {e.action for e in audit_page.table.rows()}
    assert actions == {"document.imported", "document.redacted"}
    assert audit_page.table.row_count() == 6

    choose(audit_page.action_filter, "")
    choose(audit_page.user_filter, "alice")
    read(audit_page, qtbot)
    assert {e.os_user for e in audit_page.table.rows()} == {"alice"}
    assert audit_page.table.row_count() == 2
    assert audit_page.count_label.text() == "2 events"

    choose(audit_page.user_filter, "")
    audit_page.search.setText("Q4_K_M")
    qtbot.waitUntil(lambda: audit_page.table.row_count() == 1, timeout=3000)
    assert audit_page.table.rows()[0].action == "model.exported"

    audit_page.search.setText("no event mentions this")
    qtbot.waitUntil(lambda: audit_page.table.row_count() == 0, timeout=3000)
    audit_page.search.clear()
    qtbot.waitUntil(lambda: audit_page.table.row_count() == everything, timeout=3000)


def test_filters_survive_a_refresh(audit_page: AuditPage, qtbot: Any) -> None:
    choose(audit_page.user_filter, "alice")
    audit_page.refresh()
    read(audit_page, qtbot)
    assert audit_page.user_filter.currentData() == "alice"
    assert audit_page.table.row_count() == 2


def _background(widget: Any) -> Any:
    image = widget.grab().toImage()
    return image.pixelColor(4, image.height() // 2)


def test_verify_shows_intact_then_broken_after_tampering(audit_page: AuditPage, qtbot: Any,
                                                         artifacts_dir: Path) -> None:
    audit_page.verify_button.click()
    qtbot.waitUntil(lambda: audit_page.verdict[1] == "ok", timeout=5000)
    text, _ = audit_page.verdict
    assert "intact" in text and "17 events" in text
    green = _background(audit_page.verify_result)
    assert green.green() > green.red()

    db_path = audit_page.ws.db_path
    con = sqlite3.connect(str(db_path))
    try:
        con.execute("DROP TRIGGER audit_events_no_update")
        con.execute("UPDATE audit_events SET details = '{\"name\": \"edited\"}' WHERE seq = 3")
        con.commit()
    finally:
        con.close()

    qtbot.waitUntil(lambda: audit_page.verify_button.isEnabled(), timeout=5000)
    audit_page.verify_button.click()
    qtbot.waitUntil(lambda: audit_page.verdict[1] == "broken", timeout=5000)
    text, _ = audit_page.verdict
    assert "broken at event 3" in text and "edited" in text
    red = _background(audit_page.verify_result)
    assert red.red() > red.green()
    screens = artifacts_dir / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    assert audit_page.window().grab().save(str(screens / "audit-broken.png"))
    assert audit_page.broken_seq == 3
    model = audit_page.table.table_model
    row = [e.seq for e in model.rows()].index(3)
    assert model.data(model.index(row, 0), Qt.ItemDataRole.ForegroundRole).name() == "#b91c1c"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is None
