"""Datasets: frozen versions with their content hash and splits, and what was rejected."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import formatting as fmt
from desktop.pages.base import Page
from desktop.qt import QLabel, QSplitter, Qt, QVBoxLayout, QWidget
from desktop.widgets.table import Column, DataTable

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.listings import DatasetVersionRow
    from engine.workspace import Workspace


def split_column(split: str, title: str) -> Column:
    return Column(title, lambda r: r.split_counts.get(split, fmt.MISSING), align="right",
                  sort_key=lambda r: r.split_counts.get(split, -1), width=62)


VERSION_COLUMNS = [
    Column("Version", lambda r: r.name, width=150),
    Column("Task", lambda r: r.task, stretch=True),
    Column("Content hash", lambda r: fmt.short_hash(r.content_hash), tooltip=lambda r: r.content_hash,
           width=120),
    Column("Created", lambda r: fmt.when(r.created_at), sort_key=lambda r: r.created_at.isoformat(),
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


class DatasetsPage(Page):
    key = "datasets"
    empty_hint = "Open a workspace to see its frozen dataset versions."
    title = "Datasets"
    subtitle = ("Frozen, immutable dataset versions. The content hash ties every model back "
                "to the exact examples it was trained on.")

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.versions = DataTable(VERSION_COLUMNS, "No dataset versions yet.\nFreeze the labelled "
                                                   "examples of a task to create one.")
        self.versions.row_selected.connect(self._show_version)
        splitter.addWidget(self.versions)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 10, 0, 0)
        lower_layout.setSpacing(6)
        self.version_title = QLabel("Rejections")
        self.version_title.setObjectName("SectionTitle")
        lower_layout.addWidget(self.version_title)
        self.version_note = QLabel()
        self.version_note.setObjectName("Muted")
        self.version_note.setWordWrap(True)
        self.version_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lower_layout.addWidget(self.version_note)
        self.rejections = DataTable(REJECTION_COLUMNS, "Nothing was rejected from this version.")
        lower_layout.addWidget(self.rejections, 1)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter)

    def load(self, ws: Workspace) -> None:
        from engine import listings

        self.versions.set_rows(listings.dataset_versions(ws))
        if self.versions.selected_row() is None:
            self.versions.select_first()

    def clear(self) -> None:
        self.versions.set_rows([])

    def _show_version(self, row: DatasetVersionRow | None) -> None:
        if row is None or self.ws is None:
            self.version_title.setText("Rejections")
            self.version_note.setText("Select a version to see the examples it left out and why.")
            self.rejections.set_rows([])
            return
        from engine import listings

        self.version_title.setText(f"Rejections in {row.name}")
        splits = " · ".join(f"{k} {v:,}" for k, v in row.split_counts.items()) or "no items"
        self.version_note.setText(
            f"{fmt.count(row.total, 'item')} ({splits}) · seed {row.seed} · by {row.created_by} · "
            f"content hash {row.content_hash}")
        self.rejections.set_rows(listings.rejections(self.ws, row.id), keep_selection=False)
