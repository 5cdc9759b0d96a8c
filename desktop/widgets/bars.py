"""Two small QPainter charts: labelled horizontal bars (with an optional target line) and a histogram.

``BarChart`` shows one bar per row, e.g. agreement per annotator pair with the 90% bar
drawn across, or the class balance of a dataset. ``Histogram`` shows counts per bin,
e.g. how many examples have how many tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop.qt import QColor, QFont, QPainter, QPaintEvent, QPen, QRectF, QSize, Qt, QWidget

TEXT = QColor("#2b3340")
MUTED = QColor("#8a94a6")
TRACK = QColor("#eef1f5")
TARGET = QColor("#374151")
ROW_H = 26.0


@dataclass(frozen=True)
class Bar:
    name: str
    fraction: float  # 0..1 of the full width
    text: str  # shown right of the bar
    color: str = "#2563eb"


class BarChart(QWidget):
    def __init__(self, empty_text: str = "Nothing to show yet.", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.target: float | None = None
        self.target_text = ""
        self.empty_text = empty_text
        self.name_width = 150.0
        self.setMinimumHeight(60)

    def set_bars(self, bars: Sequence[Bar], target: float | None = None, target_text: str = "") -> None:
        self.bars, self.target, self.target_text = list(bars), target, target_text
        self.setMinimumHeight(int(len(self.bars) * ROW_H + (34 if target is not None else 12)))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, self.minimumHeight())

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.bars:
            p.setPen(MUTED)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        top = 22.0 if self.target is not None else 4.0
        left, right = self.name_width, 90.0
        width = max(40.0, self.width() - left - right)
        for i, bar in enumerate(self.bars):
            y = top + i * ROW_H
            p.setPen(TEXT)
            p.drawText(QRectF(0, y, left - 10, ROW_H), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       p.fontMetrics().elidedText(bar.name, Qt.TextElideMode.ElideRight, int(left - 12)))
            track = QRectF(left, y + 6, width, ROW_H - 12)
            p.fillRect(track, TRACK)
            fill = QRectF(left, y + 6, width * max(0.0, min(1.0, bar.fraction)), ROW_H - 12)
            p.fillRect(fill, QColor(bar.color))
            p.drawText(QRectF(left + width + 8, y, right - 8, ROW_H),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, bar.text)
        if self.target is not None:
            x = left + width * self.target
            pen = QPen(TARGET, 1.5, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(int(x), int(top - 4), int(x), int(top + len(self.bars) * ROW_H))
            font = QFont(p.font())
            font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
            p.setFont(font)
            p.drawText(QRectF(x - 80, 0, 160, top - 4), Qt.AlignmentFlag.AlignCenter, self.target_text)
        p.end()


class Histogram(QWidget):
    def __init__(self, x_label: str = "", empty_text: str = "Nothing to show yet.",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edges: list[float] = []
        self.counts: list[int] = []
        self.x_label = x_label
        self.empty_text = empty_text
        self.marker: float | None = None
        self.marker_text = ""
        self.setMinimumHeight(150)

    def set_data(self, edges: Sequence[float], counts: Sequence[int], marker: float | None = None,
                 marker_text: str = "") -> None:
        """``edges`` has one more entry than ``counts`` (bin i spans edges[i]..edges[i+1])."""
        self.edges, self.counts = list(edges), list(counts)
        self.marker, self.marker_text = marker, marker_text
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        if not self.counts or len(self.edges) != len(self.counts) + 1:
            p.setPen(MUTED)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text)
            return
        left, right, top, bottom = 48.0, 16.0, 12.0, 38.0
        w, h = max(10.0, self.width() - left - right), max(10.0, self.height() - top - bottom)
        peak = max(self.counts) or 1
        lo, hi = self.edges[0], self.edges[-1]
        span = (hi - lo) or 1.0

        def x_of(v: float) -> float:
            return left + w * (v - lo) / span

        for i, n in enumerate(self.counts):
            x0, x1 = x_of(self.edges[i]), x_of(self.edges[i + 1])
            bar_h = h * n / peak
            p.fillRect(QRectF(x0 + 1, top + h - bar_h, max(1.0, x1 - x0 - 2), bar_h), QColor("#60a5fa"))
        p.setPen(QPen(QColor("#5b6474"), 1))
        p.drawLine(int(left), int(top + h), int(left + w), int(top + h))
        p.setPen(TEXT)
        p.drawText(QRectF(0, top - 6, left - 6, 16), Qt.AlignmentFlag.AlignRight, f"{peak:,}")
        p.drawText(QRectF(0, top + h - 10, left - 6, 16), Qt.AlignmentFlag.AlignRight, "0")
        for value in (lo, (lo + hi) / 2, hi):
            p.drawText(QRectF(x_of(value) - 40, top + h + 3, 80, 16), Qt.AlignmentFlag.AlignCenter, f"{value:,.0f}")
        p.setPen(MUTED)
        p.drawText(QRectF(left, top + h + 18, w, 16), Qt.AlignmentFlag.AlignCenter, self.x_label)
        if self.marker is not None and lo <= self.marker <= hi:
            p.setPen(QPen(QColor("#b91c1c"), 1.5, Qt.PenStyle.DashLine))
            x = x_of(self.marker)
            p.drawLine(int(x), int(top), int(x), int(top + h))
            p.drawText(QRectF(x + 4, top, 200, 16), Qt.AlignmentFlag.AlignLeft, self.marker_text)
        p.end()
