"""Datasets: frozen versions with their content hash and splits; freeze a new one (a job with
progress and cancel); per version its overview (counts, class balance, lengths), readiness report,
rejections with reasons, near-duplicates and leakage, and a diff against another version."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import dialogs, sign_dialog
from desktop import formatting as fmt
from desktop.audit.lineage_view import add_lineage_button, selected_target
from desktop.changes import Changes
from desktop.datasets.diff_view import DiffView
from desktop.datasets.export_button import ExportButton
from desktop.datasets.freeze_dialog import FreezeDialog, FreezeRequest
from desktop.datasets.readiness_view import ReadinessView
from desktop.datasets.version_overview import DuplicatesView, VersionOverview
from desktop.jobs import Job
from desktop.qt import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    Qt,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from desktop.widgets.page import Page
from desktop.widgets.table import Column, DataTable
from engine.signatures import Signature

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.datasets.readiness import ReadinessReport
    from engine.datasets.service import VersionInfo
    from engine.datasets.version_info import Rejection
    from engine.jobs import JobContext
    from engine.workspace import Workspace


STRIP_LINGER_MS = 6000  # how long the outcome of a freeze stays on screen


def split_column(split: str, title: str) -> Column:
    return Column(title, lambda r: r.split_counts.get(split, fmt.MISSING), align="right",
                  sort_key=lambda r: r.split_counts.get(split, -1), width=62)


VERSION_COLUMNS = [
    Column("Version", lambda r: r.name, width=150),
    Column("Task", lambda r: r.task_name, stretch=True),
    Column("Content hash", lambda r: fmt.short_hash(r.content_hash), tooltip=lambda r: r.content_hash,
           width=120),
    Column("Created", lambda r: fmt.when(r.created_at), sort_key=lambda r: fmt.when_key(r.created_at),
           width=140),
    split_column("train", "Train"),
    split_column("eval", "Eval"),
    split_column("test", "Test"),
    split_column("golden", "Golden"),
    split_column("ood", "OOD"),
    Column("Rejected", lambda r: r.rejections, align="right", width=80,
           color=lambda r: "#b45309" if r.rejections else None),
]

REJECTION_COLUMNS = [
    Column("Example", lambda r: r.example_id, align="right", width=80),
    Column("Reason", lambda r: r.reason, tooltip=lambda r: r.reason, width=380),
    Column("Input", lambda r: r.input_excerpt, tooltip=lambda r: r.input_excerpt, stretch=True),
]


def rejection_summary(rows: list[Rejection]) -> str:
    """How many were left out for each kind of reason ("duplicate of example 12" -> "duplicate",
    "input longer than 20000 characters" -> "input longer than N characters")."""
    if not rows:
        return "Every labelled example made it into this version."
    kinds = Counter(re.sub(r"\d+", "N", re.sub(r"\s*(of|as) example \d+", "", r.reason.split(";")[0].split(" (")[0]))
                    for r in rows)
    parts = [f"{n:,} {kind}" for kind, n in kinds.most_common()]
    return f"{fmt.count(len(rows), 'example')} left out: " + " · ".join(parts)


def freeze_version(ws: Workspace, request: FreezeRequest, ctx: JobContext,
                   signature: Signature | None = None) -> VersionInfo:
    return ws.datasets.freeze(request.task_id, request.name, request.plan, ctx, signature)


def check_readiness(ws: Workspace, version_id: int, ctx: JobContext) -> ReadinessReport:
    ctx.report(0.0, "Checking readiness")
    return ws.datasets.readiness(version_id)


class DatasetsPage(Page):
    key = "datasets"
    shows = frozenset({"tasks", "examples", "versions", "settings"})
    empty_hint = "Open a workspace to see its frozen dataset versions."
    title = "Datasets"
    subtitle = ("Frozen, immutable dataset versions. The content hash ties every model back "
                "to the exact examples it was trained on.")

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.freeze_job: Job[Any] | None = None
        self.readiness_job: Job[Any] | None = None
        self.version: VersionInfo | None = None
        # versions are immutable: a report is kept until the page forgets the workspace (every
        # finished job refreshes the page, so re-checking on each refresh would never stop)
        self._reports: dict[tuple[str, int], ReadinessReport | str] = {}
        self.freeze_button = QPushButton("Freeze new version…")
        self.freeze_button.setProperty("accent", True)
        self.freeze_button.setToolTip("Validate, de-duplicate and split a task's labelled examples (Ctrl+Shift+F)")
        self.freeze_button.setShortcut("Ctrl+Shift+F")
        self.freeze_button.clicked.connect(self.open_freeze_dialog)
        self.header_actions.addWidget(self.freeze_button)
        self.lineage_button = add_lineage_button(self, lambda: selected_target(self.versions, "version"))  # type: ignore[has-type]

        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._build_progress_strip())
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.versions = DataTable(VERSION_COLUMNS, "No dataset versions yet.\nFreeze the labelled "
                                                   "examples of a task to create one.")
        self.versions.row_selected.connect(self._show_version)
        splitter.addWidget(self.versions)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 8, 0, 0)
        lower_layout.setSpacing(4)
        title_row = QHBoxLayout()
        self.version_title = QLabel("Select a version")
        self.version_title.setObjectName("SectionTitle")
        title_row.addWidget(self.version_title, 1)
        self.export_button = ExportButton()
        self.export_button.export_requested.connect(self.export_version)
        self.export_button.setEnabled(False)
        title_row.addWidget(self.export_button)
        lower_layout.addLayout(title_row)
        self.version_note = QLabel()
        self.version_note.setObjectName("Muted")
        self.version_note.setWordWrap(True)
        self.version_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lower_layout.addWidget(self.version_note)
        self.tabs = QTabWidget()
        self.overview = VersionOverview()
        self.readiness = ReadinessView()
        self.readiness.minimum_changed.connect(self.set_minimum_examples)
        self.rejections = DataTable(REJECTION_COLUMNS, "Nothing was rejected from this version.")
        rejections_tab = QWidget()
        rejections_box = QVBoxLayout(rejections_tab)
        rejections_box.setContentsMargins(0, 8, 0, 0)
        self.rejection_summary = QLabel()
        self.rejection_summary.setObjectName("Muted")
        self.rejection_summary.setWordWrap(True)
        rejections_box.addWidget(self.rejection_summary)
        rejections_box.addWidget(self.rejections, 1)
        self.duplicates = DuplicatesView()
        self.diff = DiffView(runner)
        for widget, name in ((self.overview, "Overview"), (self.readiness, "Readiness"),
                             (rejections_tab, "Rejections"), (self.duplicates, "Duplicates && leakage"),
                             (self.diff, "Compare")):
            self.tabs.addTab(widget, name)
        lower_layout.addWidget(self.tabs, 1)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([170, 560])
        layout.addWidget(splitter, 1)

    def _build_progress_strip(self) -> QWidget:
        self.progress_strip = QWidget()
        row = QHBoxLayout(self.progress_strip)
        row.setContentsMargins(0, 0, 0, 6)
        self.progress_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_freeze)
        row.addWidget(self.progress_label)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        self.progress_strip.hide()
        return self.progress_strip

    # -- reading -------------------------------------------------------------------
    def load(self, ws: Workspace) -> None:
        self.readiness.set_minimum(ws.datasets.minimum_examples())
        self.versions.set_rows(ws.datasets.versions(newest_first=True))
        if self.versions.selected_row() is None:
            self.versions.select_first()

    def set_minimum_examples(self, n: int) -> None:
        """Store the workspace's minimum and check the shown version again against it."""
        from engine.errors import AirlockError

        ws = self.ws
        if ws is None:
            return
        try:
            ws.datasets.set_minimum_examples(n)
        except AirlockError as exc:
            dialogs.show_error(self, "The minimum was not changed", str(exc))
            return
        self.readiness.set_minimum(n)
        self._reports.clear()
        if self.version is not None:
            self._check_readiness(self.version.id)

    def clear(self) -> None:
        self._reports.clear()
        self.versions.set_rows([])

    def _show_version(self, row: VersionInfo | None) -> None:
        ws = self.ws
        if row is None or ws is None:
            self.version = None
            self.export_button.setEnabled(False)
            self.version_title.setText("Select a version")
            self.version_note.setText("Select a version to see its splits, balance, readiness and rejections.")
            self.overview.show_version(None)
            self.duplicates.show_version(None)
            self.diff.clear()
            self.rejections.set_rows([])
            self.rejection_summary.clear()
            self.readiness.show_pending("Select a version to check whether it is ready to train on.")
            return
        self.version = ws.datasets.get(row.id)
        self.export_button.version_name = row.name
        self.export_button.setEnabled(True)
        self.version_title.setText(f"{row.name} — {row.task_name}")
        splits = " · ".join(f"{k} {v:,}" for k, v in row.split_counts.items()) or "no items"
        self.version_note.setText(
            f"{fmt.count(row.total, 'item')} ({splits}) · seed {row.seed} · by {row.created_by} · "
            f"content hash {row.content_hash}")
        self.overview.show_version(self.version, ws.datasets.item_lengths(row.id))
        self.duplicates.show_version(self.version)
        rejected = ws.datasets.rejections(row.id)
        self.rejections.set_rows(rejected, keep_selection=False)
        self.rejection_summary.setText(rejection_summary(rejected))
        others = [(r.id, r.name) for r in self.versions.rows() if r.id != row.id and r.task_id == row.task_id]
        self.diff.set_versions(ws, row.id, row.name, others)
        self._check_readiness(row.id)

    def _check_readiness(self, version_id: int) -> None:
        ws = self.ws
        if ws is None:
            return
        key = (str(ws.root), version_id)
        if key in self._reports:
            self._show_report(self._reports[key])
            return
        if self.readiness_job is not None:
            self.readiness_job.cancel()
        self.readiness.show_pending("Checking readiness (near-duplicates across splits, agreement, balance)…")
        self.duplicates.show_leakage_check(None, "Checking for leakage…")
        job: Job[Any] = Job(lambda ctx: check_readiness(ws, version_id, ctx), "Checking dataset readiness")
        self.readiness_job = job

        def done(report: ReadinessReport) -> None:
            self._reports[key] = report
            if self.readiness_job is job:
                self.readiness_job = None
            if self.version is not None and self.version.id == version_id:  # not moved on to another one
                self._show_report(report)

        def failed(error: BaseException) -> None:
            self._reports[key] = f"Could not check readiness: {error}"
            if self.readiness_job is job:
                self.readiness_job = None
            if self.version is not None and self.version.id == version_id:
                self._show_report(self._reports[key])

        job.on_success(done).on_failure(failed).run(self.runner)

    def _show_report(self, report: ReadinessReport | str) -> None:
        if isinstance(report, str):
            self.readiness.show_pending(report)
            self.duplicates.show_leakage_check(None, "")
            return
        self.readiness.show_report(report)
        leak = next((c for c in report.checks if c.name == "leakage"), None)
        if leak is not None:
            self.duplicates.show_leakage_check(leak.level, leak.message)

    # -- freezing ------------------------------------------------------------------
    def open_freeze_dialog(self) -> None:
        ws = self.ws
        if ws is None or self.freeze_job is not None:
            return
        dialog = FreezeDialog(ws.tasks.all(), {r.name for r in self.versions.rows()}, self)
        self.freeze_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        signature = sign_dialog.ask_signature(self, f"freezing {dialog.request().name} for training",
                                              ws.identity.os_user)
        if signature is not None:
            self.start_freeze(dialog.request(), signature)

    def start_freeze(self, request: FreezeRequest, signature: Signature | None = None) -> None:
        ws = self.ws
        if ws is None or self.freeze_job is not None:
            return
        self.progress_strip.show()
        self.progress.setValue(0)
        self.progress_label.setText(f"Freezing {request.name}…")
        self.freeze_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.freeze_job = (Job(lambda ctx: freeze_version(ws, request, ctx, signature), f"Freezing {request.name}",
                               Changes.of("versions", "examples", "audit"))
                           .with_progress(self._on_progress)
                           .on_success(self._on_frozen)
                           .on_failure(lambda e: dialogs.show_error(self, "The version was not frozen", str(e)))
                           .on_cancelled(lambda: self.progress_label.setText("Cancelled; nothing was stored."))
                           .on_finished(self._on_freeze_finished)
                           .run(self.runner))

    def cancel_freeze(self) -> None:
        if self.freeze_job is not None:
            self.freeze_job.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Cancelling at the next safe point…")

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress_label.setText(f"{fraction * 100:.0f}%  {message}")

    def _on_frozen(self, version: VersionInfo) -> None:
        self.progress.setValue(1000)
        self.progress_label.setText(f"Frozen {version.name}: {version.stats.get('total', 0):,} items, "
                                    f"{version.rejections:,} rejected.")
        if self.ws is not None:
            self.load(self.ws)
            for i in range(self.versions.model().rowCount()):
                self.versions.selectRow(i)
                if self.versions.selected_row().id == version.id:
                    break

    def _on_freeze_finished(self, job: Job[Any]) -> None:
        self.freeze_job = None
        self.freeze_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        QTimer.singleShot(STRIP_LINGER_MS, self, self._hide_strip)

    def _hide_strip(self) -> None:
        if self.freeze_job is None:
            self.progress_strip.hide()

    # -- exporting -----------------------------------------------------------------
    def export_version(self, fmt: str, target: Path) -> None:
        ws, version = self.ws, self.version
        if ws is None or version is None:
            return
        self.export_button.setEnabled(False)
        (Job(lambda ctx: ws.datasets.export(version.id, fmt, target), f"Exporting {version.name}", Changes.of("audit"))
         .on_success(lambda out: self.show_banner(f"Exported {version.name} to {out}"))
         .on_failure(lambda e: dialogs.show_error(self, "The version was not exported", str(e)))
         .on_finished(lambda _job: self.export_button.setEnabled(self.version is not None))
         .run(self.runner))
