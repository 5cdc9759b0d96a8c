"""Audit: who did what and when, filterable, and proof that the log was not edited."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop import formatting as fmt
from desktop.jobs import Job
from desktop.qt import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from desktop.widgets.latest_read import LatestRead
from desktop.widgets.page import Page
from desktop.widgets.table import Column, DataTable
from engine.audit_text import readable_lines

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.audit import AuditEntry, ChainReport
    from engine.jobs import JobContext
    from engine.workspace import Workspace

ROW_LIMIT = 5000


def raw_json(entry: AuditEntry) -> str:
    return json.dumps(entry.details, ensure_ascii=False, indent=2, sort_keys=True)


def details_text(entry: AuditEntry) -> str:
    return " · ".join(readable_lines(entry))


BROKEN_COLOR = "#b91c1c"


def columns(broken_seq: Callable[[], int | None]) -> list[Column]:
    def mark(entry: AuditEntry) -> str | None:
        return BROKEN_COLOR if entry.seq == broken_seq() else None

    return [
        Column("Seq", lambda e: e.seq, align="right", width=60, color=mark),
        Column("Time", lambda e: fmt.when_seconds(e.ts), sort_key=lambda e: e.ts, width=160, color=mark),
        Column("User", lambda e: e.os_user, width=100),
        Column("Role", lambda e: e.role, width=80),
        Column("Action", lambda e: e.action, width=180, color=mark),
        Column("Subject", lambda e: e.subject, tooltip=lambda e: e.subject, width=170),
        Column("Details", details_text, tooltip=details_text, stretch=True, color=mark),
    ]


def action_choices(actions: list[str]) -> list[tuple[str, str]]:
    """(shown, prefix) pairs: every group prefix ("training.") then every action."""
    groups = sorted({a.split(".")[0] + "." for a in actions if "." in a})
    return ([("All actions", "")] + [(f"{g}*", g) for g in groups]
            + [(f"    {a}", a) for a in actions])


def lineage_target(entry: AuditEntry) -> str | None:
    """`artifact:3`, `training_run:2` or `dataset_version:1` when the event is about one of those."""
    kind, _, ident = entry.subject.partition(":")
    return entry.subject if kind in ("artifact", "training_run", "dataset_version") and ident.isdigit() else None


class AuditPage(Page):
    key = "audit"
    shows = frozenset({"audit"})
    empty_hint = "Open a workspace to read and verify its audit log."
    title = "Audit log"
    subtitle = ("Every change in this workspace, newest first. The log is hash-chained: "
                "any edit or deletion is detected by Verify chain.")

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self._verify_job: Job[Any] | None = None
        self.broken_seq: int | None = None
        self._seal_results: list[Any] = []
        self.verify_button = QPushButton("Verify chain")
        self.verify_button.setProperty("accent", True)
        self.verify_button.clicked.connect(self.verify)
        self.header_actions.addWidget(self.verify_button)
        self.members_button = QPushButton("Members…")
        self.members_button.setToolTip("Who may work here and in which role (admins change it)")
        self.members_button.clicked.connect(self.open_members)
        self.header_actions.addWidget(self.members_button)

        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.verify_result = QLabel()
        self.verify_result.setObjectName("VerifyResult")
        self.verify_result.setWordWrap(True)
        self.verify_result.hide()
        layout.addWidget(self.verify_result)

        filters = QHBoxLayout()
        filters.setSpacing(8)
        self.action_filter = QComboBox()
        self.action_filter.setMinimumWidth(240)
        self.user_filter = QComboBox()
        self.user_filter.setMinimumWidth(150)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search in details…")
        self.search.setClearButtonEnabled(True)
        self._search_delay = QTimer(self)
        self._search_delay.setSingleShot(True)
        self._search_delay.setInterval(250)
        self._search_delay.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._search_delay.start())
        self.action_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.user_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        for label, widget in (("Action", self.action_filter), ("User", self.user_filter)):
            caption = QLabel(label)
            caption.setObjectName("Muted")
            filters.addWidget(caption)
            filters.addWidget(widget)
        filters.addSpacing(8)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)

        self.entries_read: LatestRead[tuple[list[str], list[str], list[AuditEntry]]] = LatestRead(
            runner, "Reading the audit log",
            failed=lambda exc: self.show_banner(f"Could not read this workspace: {exc}", "error"))
        self.count_label = QLabel()
        self.count_label.setObjectName("Muted")
        layout.addWidget(self.count_label)
        self.table = DataTable(columns(lambda: self.broken_seq), "No events match these filters.")
        self.table.row_selected.connect(self.show_event)
        layout.addWidget(self.table, 1)

        detail_row = QHBoxLayout()
        self.detail = QLabel("Select an event to read it.")
        self.detail.setObjectName("EventDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        detail_row.addWidget(self.detail, 1)
        side = QVBoxLayout()
        self.raw_button = QPushButton("Raw JSON")
        self.raw_button.setCheckable(True)
        self.raw_button.setEnabled(False)
        self.raw_button.toggled.connect(self._toggle_raw)
        self.lineage_button = QPushButton("Lineage…")
        self.lineage_button.setEnabled(False)
        self.lineage_button.setToolTip("Follow this event's model, run or dataset version down to its sources")
        self.lineage_button.clicked.connect(self.open_lineage)
        side.addWidget(self.raw_button)
        side.addWidget(self.lineage_button)
        side.addStretch(1)
        detail_row.addLayout(side)
        layout.addLayout(detail_row)
        self.raw = QPlainTextEdit()
        self.raw.setReadOnly(True)
        self.raw.setMaximumHeight(180)
        self.raw.hide()
        layout.addWidget(self.raw)
        self.selected: AuditEntry | None = None

    # -- reading -----------------------------------------------------------------
    def set_workspace(self, ws: Workspace | None) -> None:
        self.verify_result.hide()
        self.broken_seq = None
        super().set_workspace(ws)

    def load(self, ws: Workspace) -> None:
        """The newest events that pass the filters, read by a job (a search reads every event's details)."""
        audit = ws.audit
        action, user = self.action_filter.currentData() or None, self.user_filter.currentData() or None
        text = self.search.text().strip() or None

        def read() -> tuple[list[str], list[str], list[AuditEntry]]:
            return (audit.actions(), audit.users(),
                    audit.entries(action=action, os_user=user, text=text, limit=ROW_LIMIT, newest_first=True))

        self.count_label.setText("Reading the audit log…")
        self.entries_read.start(read, self._show_entries)

    def _show_entries(self, read: tuple[list[str], list[str], list[AuditEntry]]) -> None:
        actions, users, entries = read
        self._refill(self.action_filter, action_choices(actions))
        self._refill(self.user_filter, [("Everyone", "")] + [(u, u) for u in users])
        self.table.set_rows(entries)
        shown = fmt.count(len(entries), "event")
        self.count_label.setText(shown + (f" (the newest {ROW_LIMIT:,})" if len(entries) >= ROW_LIMIT
                                          else ""))

    def clear(self) -> None:
        self.entries_read.forget()
        self.table.set_rows([])

    # -- one event ---------------------------------------------------------------
    def show_event(self, entry: AuditEntry | None) -> None:
        self.selected = entry
        self.raw_button.setEnabled(entry is not None)
        self.lineage_button.setEnabled(entry is not None and lineage_target(entry) is not None)
        if entry is None:
            self.detail.setText("Select an event to read it.")
            self.raw.hide()
            return
        head = (f"<b>{html.escape(entry.action)}</b> on {html.escape(entry.subject)} by "
                f"{html.escape(entry.os_user)} ({html.escape(entry.role)}), {fmt.when_seconds(entry.ts)}")
        body = "<br>".join(html.escape(line) for line in readable_lines(entry)) or "No details."
        self.detail.setText(f"{head}<br>{body}")
        self.raw.setPlainText(raw_json(entry))

    def _toggle_raw(self, on: bool) -> None:
        self.raw.setVisible(on and self.selected is not None)

    def open_members(self) -> None:
        if self.ws is None:
            return
        from desktop.members_dialog import MembersDialog

        MembersDialog(self.ws, self).exec()
        self.refresh()

    def open_lineage(self) -> None:
        target = lineage_target(self.selected) if self.selected is not None else None
        if self.ws is None or target is None:
            return
        from desktop.audit.lineage_view import LineageDialog

        LineageDialog(self.ws, target, self).exec()

    @staticmethod
    def _refill(combo: QComboBox, choices: list[tuple[str, str]]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for shown, value in choices:
            combo.addItem(shown, value)
        combo.setCurrentIndex(max(0, combo.findData(chosen)))
        combo.blockSignals(False)

    # -- verifying ---------------------------------------------------------------
    def verify(self) -> None:
        ws = self.ws
        if ws is None or self._verify_job is not None:
            return

        def verify_chain(ctx: JobContext) -> ChainReport:
            from engine import audit_seals

            report = ws.audit.verify()
            self._seal_results = audit_seals.verify_all(ws)
            return report

        self.verify_button.setEnabled(False)
        self._show_verdict("Verifying the audit chain…", "pending")
        self._verify_job = (Job(verify_chain, "Verify audit chain")
                            .on_success(self._show_report)
                            .on_failure(lambda exc: self._show_verdict(
                                f"✖ Could not verify the chain: {exc}", "broken"))
                            .on_finished(self._verify_done)
                            .run(self.runner))

    def _show_report(self, report: ChainReport) -> None:
        self.broken_seq = None if report.ok else report.first_bad_seq
        seals = self._seal_results
        ok = report.ok and all(r.ok for r in seals)
        text = report.describe().capitalize() + "".join(f"\n{r.describe()}" for r in seals)
        self._show_verdict(("✔ " if ok else "✖ ") + text, "ok" if ok else "broken")
        self.table.viewport().update()
        self.table.reveal(lambda entry: entry.seq == self.broken_seq)

    def _verify_done(self, job: Job[Any]) -> None:
        self._verify_job = None
        self.verify_button.setEnabled(True)

    def _show_verdict(self, text: str, state: str) -> None:
        self.verify_result.setText(text)
        self.verify_result.setProperty("state", state)
        self.verify_result.style().unpolish(self.verify_result)
        self.verify_result.style().polish(self.verify_result)
        self.verify_result.show()

    @property
    def verdict(self) -> tuple[str, str]:
        """(text, state) of the last verification shown: state is ok, broken or pending."""
        return self.verify_result.text(), str(self.verify_result.property("state") or "")
