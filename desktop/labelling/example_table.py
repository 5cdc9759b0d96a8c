"""The example list's view: one row per example, single selection, painted by the lean delegate."""

from __future__ import annotations

from desktop.labelling.list_model import WIDTHS, ExampleListModel
from desktop.labelling.row_delegate import FastRowDelegate
from desktop.qt import QAbstractItemView, QHeaderView, Qt, QTableView, QWidget

ROW_HEIGHT = 28


class ExampleTable(QTableView):
    def __init__(self, model: ExampleListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setItemDelegate(FastRowDelegate(self))
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for i, width in enumerate(WIDTHS):
            if width:
                self.setColumnWidth(i, width)
            else:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
