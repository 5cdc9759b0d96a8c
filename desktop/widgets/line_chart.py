"""A small line chart drawn with QPainter: several series, axes with ticks, a legend.

Used for training loss curves; knows nothing about training. Points are
``(x, y)`` pairs; a series with few points is drawn with markers so a sparse
eval-loss series stays visible.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from desktop.qt import (
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QWidget,
)

MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 66.0, 20.0, 44.0, 46.0
AXIS_COLOR = QColor("#5b6474")
GRID_COLOR = QColor("#e6e9ef")
TEXT_COLOR = QColor("#2b3340")
MUTED_COLOR = QColor("#8a94a6")
ToPixel = Callable[[float, float], QPointF]


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[tuple[float, float]] = field(default_factory=list)
    color: str = "#2563eb"
    markers: bool = False


def nice_ticks(lo: float, hi: float, target: int = 5, min_step: float = 0.0) -> list[float]:
    """Round tick values covering [lo, hi] (1, 2, 2.5 or 5 times a power of ten apart, at least
    ``min_step``: 1 for whole numbers such as training steps)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(1, target)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = max(min_step, next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw))
    if min_step >= 1:
        step = math.ceil(step)
    first = math.floor(lo / step) * step
    ticks, value = [], first
    while value <= hi + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    if ticks[-1] < hi:
        ticks.append(round(ticks[-1] + step, 12))
    return ticks


def tick_label(value: float, step: float) -> str:
    if step >= 1 and float(value).is_integer():
        return f"{int(value):,}"
    exponent = math.floor(math.log10(step))
    mantissa = step / 10**exponent
    decimals = max(0, min(6, -exponent + (0 if abs(mantissa - round(mantissa)) < 1e-9 else 1)))
    return f"{value:.{decimals}f}"


class LineChart(QWidget):
    def __init__(self, title: str = "", x_label: str = "", y_label: str = "",
                 empty_text: str = "No data", parent: QWidget | None = None, whole_x: bool = False) -> None:
        super().__init__(parent)
        self.whole_x = whole_x  # x values are counts (steps): ticks never fall between them
        self.title = title
        self.x_label = x_label
        self.y_label = y_label
        self.empty_text = empty_text
        self._series: list[Series] = []
        self.setMinimumHeight(220)
        self.setObjectName("LineChart")

    def sizeHint(self) -> QSize:
        return QSize(640, 300)

    def set_series(self, series: Sequence[Series]) -> None:
        self._series = [s for s in series if s.points]
        self.update()

    def clear(self, empty_text: str | None = None) -> None:
        if empty_text is not None:
            self.empty_text = empty_text
        self._series = []
        self.update()

    def series(self) -> list[Series]:
        return list(self._series)

    # -- painting ------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        font = QFont(self.font())
        painter.setFont(font)
        if self.title:
            title_font = QFont(font)
            title_font.setBold(True)
            painter.setFont(title_font)
            painter.setPen(TEXT_COLOR)
            painter.drawText(QRectF(MARGIN_LEFT, 8, self.width() - MARGIN_LEFT, 24),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
            painter.setFont(font)
        plot = QRectF(MARGIN_LEFT, MARGIN_TOP, self.width() - MARGIN_LEFT - MARGIN_RIGHT,
                      self.height() - MARGIN_TOP - MARGIN_BOTTOM)
        points = [p for s in self._series for p in s.points if all(map(math.isfinite, p))]
        if not points or plot.width() < 40 or plot.height() < 40:
            painter.setPen(MUTED_COLOR)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            painter.end()
            return
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        x_ticks = nice_ticks(min(xs), max(xs), max(2, int(plot.width() // 90)), 1.0 if self.whole_x else 0.0)
        y_low = 0.0 if 0 <= min(ys) < 0.3 * max(ys) else min(ys)  # loss curves start at zero
        y_ticks = nice_ticks(y_low, max(ys), max(2, int(plot.height() // 45)))
        x0, x1, y0, y1 = x_ticks[0], x_ticks[-1], y_ticks[0], y_ticks[-1]

        def to_px(x: float, y: float) -> QPointF:
            return QPointF(plot.left() + (x - x0) / (x1 - x0) * plot.width(),
                           plot.bottom() - (y - y0) / (y1 - y0) * plot.height())

        self._draw_axes(painter, plot, x_ticks, y_ticks, to_px)
        painter.save()
        painter.setClipRect(plot.adjusted(-4, -4, 4, 4))
        for s in self._series:
            self._draw_series(painter, s, to_px)
        painter.restore()
        self._draw_legend(painter, plot)
        painter.end()

    def _draw_axes(self, painter: QPainter, plot: QRectF, x_ticks: list[float],
                   y_ticks: list[float], to_px: ToPixel) -> None:
        metrics = painter.fontMetrics()
        x_step = x_ticks[1] - x_ticks[0] if len(x_ticks) > 1 else 1.0
        y_step = y_ticks[1] - y_ticks[0] if len(y_ticks) > 1 else 1.0
        for y in y_ticks:
            py = to_px(x_ticks[0], y).y()
            painter.setPen(QPen(GRID_COLOR, 1))
            painter.drawLine(QPointF(plot.left(), py), QPointF(plot.right(), py))
            painter.setPen(MUTED_COLOR)
            painter.drawText(QRectF(0, py - 10, plot.left() - 8, 20),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             tick_label(y, y_step))
        for x in x_ticks:
            px = to_px(x, y_ticks[0]).x()
            painter.setPen(QPen(AXIS_COLOR, 1))
            painter.drawLine(QPointF(px, plot.bottom()), QPointF(px, plot.bottom() + 4))
            painter.setPen(MUTED_COLOR)
            painter.drawText(QRectF(px - 40, plot.bottom() + 6, 80, metrics.height()),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                             tick_label(x, x_step))
        painter.setPen(QPen(AXIS_COLOR, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.setPen(TEXT_COLOR)
        if self.x_label:
            painter.drawText(QRectF(plot.left(), self.height() - 22, plot.width(), 20),
                             Qt.AlignmentFlag.AlignCenter, self.x_label)
        if self.y_label:
            painter.save()
            painter.translate(14, plot.center().y())
            painter.rotate(-90)
            painter.drawText(QRectF(-plot.height() / 2, -10, plot.height(), 20),
                             Qt.AlignmentFlag.AlignCenter, self.y_label)
            painter.restore()

    def _draw_series(self, painter: QPainter, s: Series, to_px: ToPixel) -> None:
        pts = [to_px(x, y) for x, y in s.points if math.isfinite(x) and math.isfinite(y)]
        color = QColor(s.color)
        path = QPainterPath(pts[0])
        for p in pts[1:]:
            path.lineTo(p)
        painter.setPen(QPen(color, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        if s.markers or len(pts) <= 12:
            painter.setBrush(QColor("#ffffff"))
            painter.setPen(QPen(color, 2))
            for p in pts:
                painter.drawEllipse(p, 3.5, 3.5)

    def _draw_legend(self, painter: QPainter, plot: QRectF) -> None:
        metrics = painter.fontMetrics()
        x = plot.right()
        y = 14.0
        for s in reversed(self._series):
            text_w = metrics.horizontalAdvance(s.name)
            x -= text_w
            painter.setPen(TEXT_COLOR)
            painter.drawText(QRectF(x, y, text_w + 2, 20), Qt.AlignmentFlag.AlignVCenter, s.name)
            x -= 24
            painter.setPen(QPen(QColor(s.color), 3))
            painter.drawLine(QPointF(x, y + 10), QPointF(x + 18, y + 10))
            x -= 18
