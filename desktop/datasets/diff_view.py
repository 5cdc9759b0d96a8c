"""Compare two versions: which examples were added, removed, changed or moved between splits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop import dialogs
from desktop.qt import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from desktop.widgets.table import Column, DataTable

if TYPE_CHECKING:
    from engine.datasets.diff import DatasetDiff
    from engine.workspace import Workspace

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
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws: Workspace | None = None
        self.version_id: int | None = None
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
        self.table = DataTable(COLUMNS, "No differences to show.")
        box.addWidget(self.table, 1)

    def set_versions(self, ws: Workspace, version_id: int, name: str, others: list[tuple[int, str]]) -> None:
        self.ws, self.version_id = ws, version_id
        self.heading.setText(f"Compare {name} with")
        chosen = self.other.currentData()
        self.other.clear()
        for other_id, other_name in others:
            self.other.addItem(other_name, other_id)
        self.other.setCurrentIndex(max(0, self.other.findData(chosen)))
        self.compare_button.setEnabled(bool(others))
        self.table.set_rows([])
        self.summary.setText("Pick another version to see what changed." if others
                             else "This is the only version so far; freeze another one to compare.")

    def compare(self) -> None:
        other = self.other.currentData()
        if self.ws is None or self.version_id is None or other is None:
            return
        older, newer = sorted((int(other), self.version_id))
        try:
            diff = self.ws.datasets.diff(older, newer)
        except Exception as exc:
            dialogs.show_error(self, "Cannot compare the versions", str(exc))
            return
        names = {self.other.itemData(i): self.other.itemText(i) for i in range(self.other.count())}
        old_name = names.get(older, self.heading.text().split(" ")[1])
        new_name = names.get(newer, self.heading.text().split(" ")[1])
        if diff.identical:
            self.summary.setText(f"{old_name} and {new_name} hold the same examples in the same splits.")
        else:
            self.summary.setText(
                f"From {old_name} to {new_name}: {len(diff.added):,} added, {len(diff.removed):,} removed, "
                f"{len(diff.changed):,} changed, {len(diff.moved):,} moved between splits, "
                f"{diff.unchanged:,} unchanged.")
        self.table.set_rows(diff_rows(diff), keep_selection=False)
        self.last_diff = diff
