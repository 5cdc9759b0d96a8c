"""What a page shows while no workspace is open: what a workspace is, and three ways in."""

from __future__ import annotations

from desktop.qt import QFrame, QHBoxLayout, QLabel, QPushButton, Qt, QVBoxLayout, QWidget, Signal


class NoWorkspaceState(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    demo_requested = Signal()

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EmptyState")
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        card = QFrame()
        card.setObjectName("EmptyCard")
        card.setMaximumWidth(620)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(36, 32, 36, 32)
        layout.setSpacing(12)

        title = QLabel("No workspace open")
        title.setObjectName("EmptyTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        self.message = QLabel(
            f"{what}\n\nA workspace is one folder on this machine: its database, its files and "
            "its audit log. Nothing in it ever leaves the machine.")
        self.message.setObjectName("EmptyText")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.message)
        layout.addSpacing(8)

        buttons = QHBoxLayout()
        buttons.setSpacing(10)
        self.new_button = QPushButton("New workspace…")
        self.open_button = QPushButton("Open workspace…")
        self.demo_button = QPushButton("Open demo workspace")
        self.demo_button.setProperty("accent", True)
        for button, signal in ((self.new_button, self.new_requested),
                               (self.open_button, self.open_requested),
                               (self.demo_button, self.demo_requested)):
            button.setMinimumHeight(34)
            button.clicked.connect(signal.emit)
            buttons.addWidget(button)
        layout.addLayout(buttons)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(3)
