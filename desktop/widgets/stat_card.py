"""A clickable summary card: a big number, what it counts, and where clicking goes."""

from __future__ import annotations

from desktop.qt import QFrame, QLabel, QMouseEvent, Qt, QVBoxLayout, QWidget, Signal


class StatCard(QFrame):
    clicked = Signal()

    def __init__(self, label: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StatCard")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(2)
        self.value_label = QLabel("—")
        self.value_label.setObjectName("StatValue")
        layout.addWidget(self.value_label)
        name = QLabel(label)
        name.setObjectName("StatName")
        layout.addWidget(name)
        self.caption = QLabel(caption)
        self.caption.setObjectName("StatCaption")
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        layout.addStretch(1)

    def set_value(self, value: int | None) -> None:
        self.value_label.setText("—" if value is None else f"{value:,}")

    @property
    def value(self) -> str:
        return self.value_label.text()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)
