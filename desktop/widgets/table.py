"""A table of plain rows: one model for every list in the app, one view to show it.

``RowTableModel`` shows a list of frozen dataclasses (the services' row types)
through a list of ``Column`` definitions; ``DataTable`` is the sortable view
with a friendly message painted in place of an empty table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QColor,
    QHeaderView,
    QModelIndex,
    QPainter,
    QPaintEvent,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTableView,
    QWidget,
    Signal,
)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
_ALIGN = {
    "left": Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
    "right": Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
    "center": Qt.AlignmentFlag.AlignCenter,
}


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], object]
    align: str = "left"
    sort_key: Callable[[Any], Any] | None = None
    tooltip: Callable[[Any], str] | None = None
    color: Callable[[Any], str | None] | None = None
    width: int | None = None
    stretch: bool = False  # this column takes the width the others leave


class RowTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row(self, i: int) -> Any:
        return self._rows[i]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.value(row)
            return "" if value is None else str(value)
        if role == SORT_ROLE:
            key = column.sort_key(row) if column.sort_key else column.value(row)
            return key if isinstance(key, int | float) else ("" if key is None else str(key))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN.get(column.align, _ALIGN["left"])
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.ForegroundRole and column.color:
            color = column.color(row)
            return QColor(color) if color else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _ALIGN.get(self.columns[section].align, _ALIGN["left"])
        return None


class DataTable(QTableView):
    """Sortable, single-row-selection table that emits the selected row object."""

    row_selected = Signal(object)

    def __init__(self, columns: Sequence[Column], empty_text: str = "Nothing here yet.",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_text = empty_text
        self.table_model = RowTableModel(columns, self)
        self._proxy = QSortFilterProxyModel(self)
        self._proxy.setSourceModel(self.table_model)
        self._proxy.setSortRole(SORT_ROLE)
        self.setModel(self._proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(30)
        header = self.horizontalHeader()
        header.setStretchLastSection(not any(c.stretch for c in columns))
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, column in enumerate(columns):
            if column.stretch:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
            elif column.width:
                self.setColumnWidth(i, column.width)
        self.selectionModel().currentRowChanged.connect(self._on_current_changed)

    def set_rows(self, rows: Sequence[Any], keep_selection: bool = True) -> None:
        previous = self.selected_row() if keep_selection else None
        self.table_model.set_rows(rows)
        if previous is not None:
            key = getattr(previous, "id", previous)
            for i, row in enumerate(self.table_model.rows()):
                if getattr(row, "id", row) == key:
                    self.selectRow(self._proxy.mapFromSource(self.table_model.index(i, 0)).row())
                    return
        self.row_selected.emit(None)

    def rows(self) -> list[Any]:
        return self.table_model.rows()

    def row_count(self) -> int:
        return self.table_model.rowCount()

    def selected_row(self) -> Any:
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.table_model.row(self._proxy.mapToSource(index).row())

    def reveal(self, match: Callable[[Any], bool]) -> bool:
        """Scroll to the first row ``match`` accepts (without selecting it)."""
        for i, row in enumerate(self.table_model.rows()):
            if match(row):
                self.scrollTo(self._proxy.mapFromSource(self.table_model.index(i, 0)))
                return True
        return False

    def select_first(self) -> None:
        if self._proxy.rowCount() > 0:
            self.selectRow(0)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.row_selected.emit(None)
            return
        self.row_selected.emit(self.table_model.row(self._proxy.mapToSource(current).row()))

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.table_model.rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(QColor("#8a94a6"))
            rect = self.viewport().rect().adjusted(24, 24, -24, -24)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.empty_text)
            painter.end()
