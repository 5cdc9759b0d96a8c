"""The confusion-matrix heatmap (click a cell to list its examples) and per-class bars, drawn with QPainter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from desktop.qt import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPointF, QRectF, QSize, Qt, QWidget, Signal

TEXT = QColor("#2b3340")
MUTED = QColor("#8a94a6")
GRID = QColor("#cbd5e1")
BAR_COLORS = {"precision": "#2563eb", "recall": "#16a34a", "f1": "#d97706"}


def shade(fraction: float) -> QColor:
    """White to deep blue, like the report's heatmap."""
    f = min(1.0, max(0.0, fraction))
    return QColor(int(255 + (29 - 255) * f), int(255 + (78 - 255) * f), int(255 + (216 - 255) * f))


class ConfusionHeatmap(QWidget):
    """Rows are references, columns predictions; each cell shaded by its share of the row."""

    cell_clicked = Signal(str, str)  # reference, predicted

    LEFT, TOP = 110.0, 86.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels: list[str] = []
        self.matrix: dict[str, dict[str, int]] = {}
        self.selected: tuple[str, str] | None = None
        self.setMinimumSize(260, 220)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click a cell to list its examples")

    def set_matrix(self, labels: Sequence[str], matrix: Mapping[str, Mapping[str, int]]) -> None:
        self.labels = list(labels)
        self.matrix = {r: {p: int(matrix.get(r, {}).get(p, 0)) for p in labels} for r in labels}
        self.selected = None
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 340)

    def _cell(self) -> float:
        n = max(1, len(self.labels))
        return max(18.0, min((self.width() - self.LEFT - 20) / n, (self.height() - self.TOP - 10) / n, 70.0))

    def cell_rect(self, i: int, j: int) -> QRectF:
        c = self._cell()
        return QRectF(self.LEFT + j * c, self.TOP + i * c, c, c)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.labels:
            p.setPen(MUTED)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No confusion matrix for this run")
            p.end()
            return
        c = self._cell()
        font = QFont(self.font())
        font.setPointSizeF(8.5)
        p.setFont(font)
        p.setPen(TEXT)
        p.drawText(QRectF(self.LEFT, 0, c * len(self.labels), 16), Qt.AlignmentFlag.AlignCenter, "predicted")
        for j, label in enumerate(self.labels):
            p.save()
            p.translate(QPointF(self.LEFT + j * c + c / 2, self.TOP - 6))
            p.rotate(-45)
            p.drawText(QPointF(0, 0), label)
            p.restore()
        for i, ref in enumerate(self.labels):
            total = sum(self.matrix[ref].values()) or 1
            p.setPen(TEXT)
            p.drawText(QRectF(0, self.TOP + i * c, self.LEFT - 8, c),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, ref)
            for j, pred in enumerate(self.labels):
                count = self.matrix[ref][pred]
                rect = self.cell_rect(i, j)
                p.fillRect(rect, shade(count / total))
                p.setPen(QColor("#f97316") if self.selected == (ref, pred) else GRID)
                p.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
                p.setPen(QColor("white") if count / total > 0.5 else TEXT)
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
        p.end()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        for i, ref in enumerate(self.labels):
            for j, pred in enumerate(self.labels):
                if self.cell_rect(i, j).contains(pos):
                    self.selected = (ref, pred)
                    self.update()
                    self.cell_clicked.emit(ref, pred)
                    return
        super().mouseReleaseEvent(event)


class ClassBars(QWidget):
    """Grouped horizontal bars (precision, recall, F1) per class or field, values in [0, 1]."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, dict[str, float]] = {}
        self.keys = ("precision", "recall", "f1")
        self.setMinimumSize(260, 160)

    def set_rows(self, rows: Mapping[str, Mapping[str, float]]) -> None:
        self.rows = {str(k): {m: float(v.get(m, 0.0)) for m in self.keys} for k, v in rows.items()}
        self.setMinimumHeight(self.sizeHint().height())
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(460, 30 + 42 * max(1, len(self.rows)))

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        if not self.rows:
            p.setPen(MUTED)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No per-class figures for this run")
            p.end()
            return
        font = QFont(self.font())
        font.setPointSizeF(8.5)
        p.setFont(font)
        left, top, plot = 110.0, 24.0, max(40.0, self.width() - 110.0 - 46)
        group = min(42.0, (self.height() - top - 6) / len(self.rows))
        bar = max(3.0, min(10.0, (group - 6) / len(self.keys)))
        for k, key in enumerate(self.keys):
            p.fillRect(QRectF(left + k * 86, 6, 10, 10), QColor(BAR_COLORS[key]))
            p.setPen(TEXT)
            p.drawText(QPointF(left + k * 86 + 14, 15), key)
        for i, (name, values) in enumerate(self.rows.items()):
            y0 = top + i * group
            p.setPen(TEXT)
            p.drawText(QRectF(0, y0, left - 8, bar * len(self.keys)),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
            for k, key in enumerate(self.keys):
                v = max(0.0, min(1.0, values[key]))
                y = y0 + k * bar
                p.fillRect(QRectF(left, y, v * plot, bar - 1), QColor(BAR_COLORS[key]))
                p.setPen(MUTED)
                p.drawText(QPointF(left + v * plot + 4, y + bar - 1), f"{values[key]:.2f}")
        p.setPen(GRID)
        p.drawLine(QPointF(left, top - 2), QPointF(left, self.height() - 4))
        p.end()


class PlotsTab(QWidget):
    """The selected run's confusion matrix beside its per-class scores."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from desktop.qt import QGridLayout, QLabel

        super().__init__(parent)
        layout = QGridLayout(self)
        self.heatmap = ConfusionHeatmap()
        self.bars = ClassBars()
        for col, (text, widget) in enumerate((("Confusion matrix (click a cell for its examples)", self.heatmap),
                                              ("Per class: precision, recall, F1", self.bars))):
            label = QLabel(text)
            label.setObjectName("SectionTitle")
            layout.addWidget(label, 0, col)
            layout.addWidget(widget, 1, col, Qt.AlignmentFlag.AlignTop)
        layout.setRowStretch(1, 1)
