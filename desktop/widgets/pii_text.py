"""Read-only document text with its PII spans highlighted, one colour per entity type."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from desktop.qt import (
    QColor,
    QFont,
    QFontDatabase,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTextCharFormat,
    QTextCursor,
    QTextEdit,
    QWidget,
)

if TYPE_CHECKING:
    from engine.listings import TextSpan

ENTITY_COLORS = {
    "PERSON": "#fde68a",
    "EMAIL_ADDRESS": "#bfdbfe",
    "PHONE_NUMBER": "#bbf7d0",
    "LOCATION": "#fbcfe8",
    "STREET_ADDRESS": "#f5d0fe",
    "DATE_TIME": "#ddd6fe",
    "IBAN_CODE": "#fed7aa",
    "CREDIT_CARD": "#fecaca",
    "US_SSN": "#fca5a5",
    "IP_ADDRESS": "#a5f3fc",
    "URL": "#e2e8f0",
    "NRP": "#d9f99d",
}
ENTITY_NAMES = {"EMAIL_ADDRESS": "Email", "PHONE_NUMBER": "Phone", "DATE_TIME": "Date/time",
                "IBAN_CODE": "IBAN", "US_SSN": "US SSN", "IP_ADDRESS": "IP address", "URL": "URL",
                "NRP": "Nationality/religion", "CREDIT_CARD": "Card number"}
_FALLBACK = ("#fef3c7", "#e0e7ff", "#dcfce7", "#ffe4e6", "#cffafe", "#f3e8ff")


def entity_color(entity_type: str) -> str:
    known = ENTITY_COLORS.get(entity_type.upper())
    return known or _FALLBACK[zlib.crc32(entity_type.encode()) % len(_FALLBACK)]


def entity_name(entity_type: str) -> str:
    return ENTITY_NAMES.get(entity_type.upper(), entity_type.replace("_", " ").capitalize())


def _utf16_positions(text: str) -> list[int] | None:
    """Qt counts UTF-16 units; Python counts code points. None when they agree."""
    if all(ord(c) <= 0xFFFF for c in text):
        return None
    positions, at = [], 0
    for c in text:
        positions.append(at)
        at += 2 if ord(c) > 0xFFFF else 1
    positions.append(at)
    return positions


class PiiTextView(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setObjectName("PiiTextView")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.0))
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._spans: list[TextSpan] = []

    def set_content(self, text: str, spans: Sequence[TextSpan]) -> None:
        self.setPlainText(text)
        self._spans = list(spans)
        map16 = _utf16_positions(text)
        selections = []
        for span in self._spans:
            start, end = (map16[span.start], map16[span.end]) if map16 else (span.start, span.end)
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(entity_color(span.entity_type)))
            fmt.setFontWeight(QFont.Weight.DemiBold)
            selection.format = fmt
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selections.append(selection)
        self.setExtraSelections(selections)

    def spans(self) -> list[TextSpan]:
        return list(self._spans)

    def highlighted_text(self) -> list[str]:
        """What each highlight covers, as shown (used by tests and tooltips)."""
        return [s.cursor.selectedText() for s in self.extraSelections()]


class EntityLegend(QWidget):
    """A row of coloured chips: entity type and how many spans it has."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)

    def set_spans(self, spans: Sequence[TextSpan]) -> None:
        while self._layout.count() > 1:
            item = self._layout.takeAt(0)
            widget = item.widget() if item else None
            if widget is not None:
                widget.deleteLater()
        counts = Counter(s.entity_type for s in spans)
        for i, (entity_type, n) in enumerate(sorted(counts.items())):
            chip = QLabel(f"{entity_name(entity_type)}  {n}")
            chip.setObjectName("EntityChip")
            chip.setStyleSheet(f"background: {entity_color(entity_type)};")
            self._layout.insertWidget(i, chip)
