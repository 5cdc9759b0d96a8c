"""Document text with its PII spans highlighted, one colour per entity type.

The view is read-only but selectable: a reviewer selects what the detector
missed and marks it from the context menu (``mark_requested``). Under review,
each finding is drawn after its decision: accepted spans fully coloured,
pending ones coloured and underlined, rejected ones struck through without
colour; the current finding is drawn darker. Offsets in and out are Python
string offsets (code points), converted to and from Qt's UTF-16 positions here.
"""

from __future__ import annotations

import bisect
import zlib
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from desktop.qt import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontDatabase,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    Qt,
    QTextCharFormat,
    QTextCursor,
    QTextEdit,
    QWidget,
    Signal,
)

if TYPE_CHECKING:
    from engine.documents.listing import TextSpan

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
# The types offered when a reviewer marks a span by hand (more can be typed in the dialog).
MARKABLE_TYPES = ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS", "LOCATION", "DATE_TIME",
                  "IBAN_CODE", "CREDIT_CARD", "US_SSN", "IP_ADDRESS", "URL")
_FALLBACK = ("#fef3c7", "#e0e7ff", "#dcfce7", "#ffe4e6", "#cffafe", "#f3e8ff")


class ReviewSpan(Protocol):
    """What the view needs of a finding (``engine.privacy.findings.FindingInfo`` fits)."""

    @property
    def id(self) -> int: ...
    @property
    def entity_type(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def decision(self) -> str: ...


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


def _span_format(entity_type: str, decision: str, current: bool) -> QTextCharFormat:
    fmt = QTextCharFormat()
    color = QColor(entity_color(entity_type))
    if decision == "rejected":
        fmt.setFontStrikeOut(True)
        fmt.setForeground(QColor("#64748b"))
        if current:
            fmt.setBackground(QColor("#e2e8f0"))
        return fmt
    fmt.setBackground(color.darker(125) if current else color)
    fmt.setFontWeight(QFont.Weight.DemiBold)
    if decision == "pending" or current:
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline if decision == "pending"
                              else QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(QColor("#1e293b"))
    return fmt


class PiiTextView(QPlainTextEdit):
    mark_requested = Signal(int, int, str)  # start, end (code points), entity type ("" = ask)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setObjectName("PiiTextView")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.0))
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._spans: list[TextSpan] = []
        self._map16: list[int] | None = None
        self.can_mark = False

    # -- offsets -------------------------------------------------------------
    def _to_qt(self, offset: int) -> int:
        return self._map16[offset] if self._map16 else offset

    def _from_qt(self, position: int) -> int:
        return bisect.bisect_left(self._map16, position) if self._map16 else position

    def _highlight(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        selection.format = fmt
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._to_qt(start))
        cursor.setPosition(self._to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        return selection

    # -- content -------------------------------------------------------------
    def set_content(self, text: str, spans: Sequence[TextSpan]) -> None:
        """Text with spans all drawn alike (the redacted text, with its placeholders)."""
        self.setPlainText(text)
        self._map16 = _utf16_positions(text)
        self._spans = list(spans)
        self.setExtraSelections([self._highlight(s.start, s.end, _span_format(s.entity_type, "accepted", False))
                                 for s in self._spans if 0 <= s.start < s.end <= len(text)])

    def set_findings(self, text: str, findings: Sequence[ReviewSpan], current_id: int | None = None) -> None:
        """Text under review: each finding drawn after its decision; keeps the scroll position."""
        if self.toPlainText() != text:
            self.setPlainText(text)
            self._map16 = _utf16_positions(text)
        from engine.documents.listing import TextSpan

        valid = [f for f in findings if 0 <= f.start < f.end <= len(text)]
        self._spans = [TextSpan(f.start, f.end, f.entity_type) for f in valid if f.decision != "rejected"]
        # the current finding last, so it is drawn over its neighbours
        ordered = sorted(valid, key=lambda f: f.id == current_id)
        self.setExtraSelections([self._highlight(f.start, f.end,
                                                 _span_format(f.entity_type, f.decision, f.id == current_id))
                                 for f in ordered])

    def show_span(self, start: int, end: int) -> None:
        """Scroll so that ``start:end`` is visible, near the middle, without selecting it."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._to_qt(end))
        self.setTextCursor(cursor)
        cursor.setPosition(self._to_qt(start))
        self.setTextCursor(cursor)
        self.centerCursor()

    def select_range(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._to_qt(start))
        cursor.setPosition(self._to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def selected_range(self) -> tuple[int, int] | None:
        """(start, end) of the selection in code points, or None when nothing is selected."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self._from_qt(cursor.selectionStart()), self._from_qt(cursor.selectionEnd())

    def spans(self) -> list[TextSpan]:
        return list(self._spans)

    def highlighted_text(self) -> list[str]:
        """What each highlight covers, as shown (used by tests and tooltips)."""
        return [s.cursor.selectedText() for s in self.extraSelections()]

    # -- marking what the detector missed ------------------------------------------
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        selected = self.selected_range()
        if self.can_mark:
            menu.addSeparator()
            mark = menu.addMenu("Mark selection as PII")
            mark.setEnabled(selected is not None)
            if selected is not None:
                start, end = selected
                for entity_type in MARKABLE_TYPES:
                    action = mark.addAction(entity_name(entity_type))
                    action.triggered.connect(lambda _=False, t=entity_type: self.mark_requested.emit(start, end, t))
                mark.addSeparator()
                other = mark.addAction("Other type…")
                other.triggered.connect(lambda _=False: self.mark_requested.emit(start, end, ""))
        menu.exec(event.globalPos())
        menu.deleteLater()


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

    def chips(self) -> list[str]:
        return [w.text() for i in range(self._layout.count())
                if (item := self._layout.itemAt(i)) is not None and isinstance(w := item.widget(), QLabel)]
