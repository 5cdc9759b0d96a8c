"""A one-line strip for the long work a page started: what it is doing, how far it got, Cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.qt import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

if TYPE_CHECKING:
    from desktop.jobs import Job


class JobProgress(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setObjectName("Muted")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(260)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop at the next safe point; what is finished stays")
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.label, 1)
        row.addWidget(self.bar)
        row.addWidget(self.cancel_button)
        self._job: Job[Any] | None = None
        self.hide()

    @property
    def busy(self) -> bool:
        return self._job is not None and not self._job.done

    def track(self, job: Job[Any], title: str) -> None:
        """Show ``job``'s progress until it ends (call before ``job.run``)."""
        self._job = job
        self.bar.setValue(0)
        self.label.setText(f"{title}…")
        self.cancel_button.setEnabled(True)
        self.show()
        job.with_progress(self._progress).on_finished(self._ended)

    def cancel(self) -> None:
        if self._job is not None and not self._job.done:
            self._job.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText("Cancelling at the next safe point…")

    def _progress(self, fraction: float, message: str) -> None:
        self.bar.setValue(int(fraction * 1000))
        self.label.setText(f"{fraction * 100:.0f}%  {message}")

    def _ended(self, job: Job[Any]) -> None:
        if job is self._job:
            self._job = None
            self.hide()
