"""A lean painter for the example list: plain text per cell, no style-sheet lookups.

With the app's style sheet each cell drawn by the default delegate goes through the
style-sheet style (tens of milliseconds per screen of rows); labelling moves a row with
every key press, so the list paints its cells itself.
"""

from __future__ import annotations

from typing import Any

from desktop.qt import QColor, QPainter, QStyle, QStyledItemDelegate, Qt

SELECTED = QColor("#dbeafe")
STRIPE = QColor("#f9fafb")
BASE = QColor("#ffffff")
TEXT = QColor("#1f2937")
PADDING = 8


CACHE_LIMIT = 4000


class FastRowDelegate(QStyledItemDelegate):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._elided: dict[tuple[str, int], str] = {}  # shaping long text is the slow part of a cell

    def elided(self, option: Any, text: str, width: int) -> str:
        key = (text, width)
        found = self._elided.get(key)
        if found is None:
            if len(self._elided) > CACHE_LIMIT:
                self._elided.clear()
            found = self._elided[key] = option.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        return found

    def paint(self, painter: QPainter, option: Any, index: Any) -> None:
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.fillRect(rect, SELECTED if selected else (STRIPE if index.row() % 2 else BASE))
        # the model is asked directly: a Python round trip through QModelIndex.data() per role is
        # slower, and PySide6 mishandles a None coming back that way (a refcount crash under load)
        text, color, right = index.model().cell(index.row(), index.column())
        if not text:
            return
        painter.setPen(color or TEXT)
        inner = rect.adjusted(PADDING, 0, -PADDING, 0)
        align = (Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft) | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(inner, align, self.elided(option, text, inner.width()))
