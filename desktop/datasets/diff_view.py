"""Compare two versions: which examples were added, removed, changed or moved between splits
(a job: both versions' items are read and matched; only the latest comparison asked for is shown)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop import dialogs
from desktop.jobs import Job
from desktop.qt import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from desktop.widgets.table import Column, DataTable

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.datasets.diff import DatasetDiff
    from engine.workspace import Workspace

NO_DIFFERENCES = "No differences to show."
CHANGE_COLORS = {"added": "#15803d", "removed": "#b91c1c", "changed": "#b45309", "moved": "#1d4ed8"}


@dataclass(frozen=True)
class DiffRow:
    example_id: int
    change: str
    detail: str


def diff_rows(diff: DatasetDiff) -> list[DiffRow]:
    rows = [DiffRow(e, "added", "only in the newer version") for e in diff.added]
    rows += [DiffRow(e, "removed", "only in the older version") for e in diff.removed]
    rows += [DiffRow(e, "changed", "input or answer differs") for e in diff.changed]
    rows += [DiffRow(m.example_id, "moved", f"{m.from_split} → {m.to_split}") for m in diff.moved]
    return sorted(rows, key=lambda r: (r.example_id, r.change))


COLUMNS = [Column("Example", lambda r: r.example_id, align="right", width=90),
           Column("Change", lambda r: r.change, color=lambda r: CHANGE_COLORS.get(r.change), width=100),
           Column("Detail", lambda r: r.detail, stretch=True)]


class DiffView(QWidget):
    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.ws: Workspace | None = None
        self.version_id: int | None = None
        self._others: list[tuple[int, str]] = []
        self.job: Job[DatasetDiff] | None = None
        self.last_diff: DatasetDiff | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 8, 0, 0)
        row = QHBoxLayout()
        self.heading = QLabel("Compare with")
        row.addWidget(self.heading)
        self.other = QComboBox()
        self.other.setMinimumWidth(220)
        row.addWidget(self.other)
        self.compare_button = QPushButton("Compare")
        self.compare_button.clicked.connect(self.compare)
        row.addWidget(self.compare_button)
        row.addStretch(1)
        box.addLayout(row)
        self.summary = QLabel("Pick another version of the same task to see what changed.")
        self.summary.setObjectName("Muted")
        self.summary.setWordWrap(True)
        box.addWidget(self.summary)
        self.table = DataTable(COLUMNS, NO_DIFFERENCES)
        box.addWidget(self.table, 1)

    def set_versions(self, ws: Workspace, version_id: int, name: str, others: list[tuple[int, str]]) -> None:
        if (ws, version_id, others) == (self.ws, self.version_id, self._others):
            return  # the page was refreshed (every finished job does that): keep what is shown or coming
        self.ws, self.version_id, self._others = ws, version_id, others
        self.heading.setText(f"Compare {name} with")
        chosen = self.other.currentData()
        self.other.clear()
        for other_id, other_name in others:
            self.other.addItem(other_name, other_id)
        self.other.setCurrentIndex(max(0, self.other.findData(chosen)))
        self._drop_job()
        self.compare_button.setEnabled(bool(others))
        self.table.set_rows([])
        self.summary.setText("Pick another version to see what changed." if others
                             else "This is the only version so far; freeze another one to compare.")

    def clear(self) -> None:
        """No version is selected: nothing to compare."""
        self._drop_job()
        self.ws, self.version_id, self._others = None, None, []
        self.other.clear()
        self.compare_button.setEnabled(False)
        self.table.set_rows([])
        self.summary.setText("Select a version to compare it with another.")

    def compare(self) -> None:
        other = self.other.currentData()
        if self.ws is None or self.version_id is None or other is None:
            return
        self._drop_job()
        ws = self.ws
        older, newer = sorted((int(other), self.version_id))
        names = {self.other.itemData(i): self.other.itemText(i) for i in range(self.other.count())}
        old_name = names.get(older, self.heading.text().split(" ")[1])
        new_name = names.get(newer, self.heading.text().split(" ")[1])
        self.compare_button.setEnabled(False)
        self.table.empty_text = ""  # nothing is known yet: the summary says it is being compared
        self.table.set_rows([])
        self.summary.setText(f"Comparing {old_name} with {new_name}…")
        job: Job[DatasetDiff] = Job(lambda ctx: ws.datasets.diff(older, newer), f"Comparing {old_name} with {new_name}")
        self.job = job
        job.on_success(lambda diff: self._show(job, diff, old_name, new_name))
        job.on_failure(lambda exc: self._failed(job, exc))
        job.run(self.runner)

    def _drop_job(self) -> None:
        """Another version (or none) is shown now: a comparison still running is not shown."""
        if self.job is not None:
            self.job.cancel()
            self.job = None
        self.table.empty_text = NO_DIFFERENCES

    def _show(self, job: Job[Any], diff: DatasetDiff, old_name: str, new_name: str) -> None:
        if job is not self.job:
            return
        self.job = None
        self.compare_button.setEnabled(True)
        self.table.empty_text = NO_DIFFERENCES
        if diff.identical:
            self.summary.setText(f"{old_name} and {new_name} hold the same examples in the same splits.")
        else:
            self.summary.setText(
                f"From {old_name} to {new_name}: {len(diff.added):,} added, {len(diff.removed):,} removed, "
                f"{len(diff.changed):,} changed, {len(diff.moved):,} moved between splits, "
                f"{diff.unchanged:,} unchanged.")
        self.table.set_rows(diff_rows(diff), keep_selection=False)
        self.last_diff = diff

    def _failed(self, job: Job[Any], exc: BaseException) -> None:
        if job is not self.job:
            return
        self.job = None
        self.compare_button.setEnabled(True)
        self.table.empty_text = NO_DIFFERENCES
        self.summary.setText("Pick another version to see what changed.")
        dialogs.show_error(self, "Cannot compare the versions", str(exc))
