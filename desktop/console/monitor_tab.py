"""Monitoring tab: console volume, p50/p95 latency and the share of low-confidence answers over time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.qt import QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget
from desktop.widgets.line_chart import LineChart, Series

if TYPE_CHECKING:
    from engine.workspace import Workspace


class MonitorTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws: Workspace | None = None
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Bucket"))
        self.by = QComboBox()
        self.by.addItems(["hour", "day"])
        self.by.currentTextChanged.connect(lambda _t: self.refresh())
        row.addWidget(self.by)
        self.summary = QLabel()
        self.summary.setObjectName("Muted")
        row.addWidget(self.summary, 1)
        layout.addLayout(row)
        grid = QGridLayout()
        self.volume = LineChart("Calls", "bucket (1 = oldest)", "calls", "No console calls yet")
        self.latency = LineChart("Latency", "bucket (1 = oldest)", "ms", "No console calls yet")
        self.low = LineChart("Low-confidence share", "bucket (1 = oldest)", "%", "No scored answers yet")
        grid.addWidget(self.volume, 0, 0)
        grid.addWidget(self.latency, 0, 1)
        grid.addWidget(self.low, 1, 0, 1, 2)
        layout.addLayout(grid, 1)

    def load(self, ws: Workspace) -> None:
        self._ws = ws
        self.refresh()

    def refresh(self) -> None:
        if self._ws is None:
            return
        buckets = self._ws.console.log.monitoring(by=self.by.currentText())
        xs = list(range(1, len(buckets) + 1))
        self.volume.set_series([Series("calls", [(x, b.calls) for x, b in zip(xs, buckets, strict=True)])])
        self.latency.set_series([
            Series("p50", [(x, b.p50_ms) for x, b in zip(xs, buckets, strict=True)]),
            Series("p95", [(x, b.p95_ms) for x, b in zip(xs, buckets, strict=True)], color="#dc2626")])
        self.low.set_series([Series("flagged %", [(x, 100 * b.low_confidence_share)
                                                  for x, b in zip(xs, buckets, strict=True)
                                                  if b.low_confidence_share is not None], color="#d97706")])
        if buckets:
            total = sum(b.calls for b in buckets)
            self.summary.setText(f"{total} calls from {buckets[0].start:%Y-%m-%d %H:%M} to "
                                 f"{buckets[-1].start:%Y-%m-%d %H:%M} ({len(buckets)} {self.by.currentText()} buckets)")
        else:
            self.summary.setText("No console calls yet.")
