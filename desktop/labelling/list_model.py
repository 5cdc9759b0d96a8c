"""The example list: a table model that reads a task's examples a page at a time.

Qt asks ``canFetchMore``/``fetchMore`` as the view scrolls toward the end of what is
loaded, so opening a task of 100,000 examples reads one page (plus one COUNT), and a
row whose label or marks change is re-read alone (``refresh``), not the whole list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.qt import QAbstractTableModel, QColor, QModelIndex, QPersistentModelIndex, Qt

if TYPE_CHECKING:
    from engine.tasks.browse import BrowseRow, ExampleFilter
    from engine.workspace import Workspace

# The filters of engine.tasks.browse as the user reads them (the window is built before any
# engine module that needs the database layer is imported, so the names live here).
FILTER_NAMES = {"all": "All examples", "unlabelled": "Unlabelled", "mine": "Labelled by me",
                "assigned": "Assigned to me", "disagreements": "Disagreements", "flagged": "Flagged",
                "golden": "Golden", "ood": "Out-of-distribution", "label": "By label"}
PAGE_SIZE = 200
COLUMNS = ("#", "Input", "Label", "By", "Marks")
WIDTHS = (50, 0, 112, 30, 60)  # 0: takes the width left
DISAGREE_COLOR = QColor("#b45309")
UNLABELLED_COLOR = QColor("#8a94a6")
Index = QModelIndex | QPersistentModelIndex


def shown_label(row: BrowseRow) -> str:
    from engine.tasks.display import excerpt, label_text

    if row.disagreement:
        return " ≠ ".join(excerpt(label_text(v), 30) for v in row.labels)
    if row.final_label is None:
        return "(unlabelled)"
    return excerpt(label_text(row.final_label), 60)


class ExampleListModel(QAbstractTableModel):
    def __init__(self, parent: Any = None, page_size: int = PAGE_SIZE) -> None:
        super().__init__(parent)
        self.page_size = page_size
        self.ws: Workspace | None = None
        self.filter: ExampleFilter | None = None
        self.total = 0
        self._rows: list[BrowseRow] = []
        self._where: dict[int, int] = {}  # example id -> row
        self._texts: dict[int, tuple[str, ...]] = {}  # example id -> the cells' texts
        self._exhausted = True

    # -- loading ---------------------------------------------------------------
    def set_filter(self, ws: Workspace | None, flt: ExampleFilter | None) -> None:
        """Start over with a new filter: count it, load its first page."""
        self.beginResetModel()
        self.ws, self.filter = ws, flt
        self._rows, self._where, self._texts = [], {}, {}
        self.total = 0
        if ws is not None and flt is not None:

            self.total = ws.tasks.count_examples(flt)
        self._exhausted = self.total == 0
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted or self.ws is None or self.filter is None:
            return

        after = self._rows[-1].id if self._rows else None
        more = self.ws.tasks.example_page(self.filter, limit=self.page_size, after_id=after)
        if len(more) < self.page_size:
            self._exhausted = True
        if not more:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        for i, row in enumerate(more):
            self._where[row.id] = first + i
        self._rows.extend(more)
        self.endInsertRows()

    def ensure_loaded(self, row: int) -> bool:
        """Load pages until ``row`` exists (the editor moving past the last loaded row)."""
        while row >= len(self._rows) and self.canFetchMore():
            self.fetchMore()
        return 0 <= row < len(self._rows)

    def refresh(self, example_ids: list[int]) -> None:
        """Re-read these examples after their labels or marks changed; they keep their place."""
        if self.ws is None or self.filter is None:
            return

        known = [i for i in example_ids if i in self._where]
        for fresh in self.ws.tasks.examples_by_id(known, self.filter.annotator):
            at = self._where[fresh.id]
            self._rows[at] = fresh
            self._texts.pop(fresh.id, None)
            self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMNS) - 1))

    # -- reading -----------------------------------------------------------------
    def row(self, i: int) -> BrowseRow:
        return self._rows[i]

    def row_of(self, example_id: int) -> int | None:
        return self._where.get(example_id)

    def loaded(self) -> int:
        return len(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def cell(self, row_no: int, col: int) -> tuple[str, QColor | None, bool]:
        """(text, colour or None, right-aligned) of one cell, for the list's own painter."""
        row = self._rows[row_no]
        texts = self._texts.get(row.id)
        if texts is None:  # worked out once per row (and again when the row is re-read)
            texts = self._texts[row.id] = (str(row.id), row.excerpt, shown_label(row),
                                           str(row.n_labels) if row.n_labels else "", row.marks)
        color = None
        if col == 2:
            color = DISAGREE_COLOR if row.disagreement else UNLABELLED_COLOR if row.final_label is None else None
        return texts[col], color, col in (0, 3)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole):
            text, color, _right = self.cell(index.row(), col)
            return text if role == Qt.ItemDataRole.DisplayRole else color
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 2 and row.disagreement:
                from engine.tasks.display import label_text

                return "Annotators disagree: " + " / ".join(label_text(v) for v in row.labels)
            if col == 4:
                return ", ".join(n for n, on in (("golden", row.golden), ("flagged", row.flagged),
                                                 ("out-of-distribution", row.ood)) if on)
            if col == 1:
                return row.excerpt
            if col == 3:
                return f"{row.n_labels} annotator(s) labelled this example"
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 3):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None
