"""Local endpoint tab: the optional OpenAI-compatible HTTP endpoint, off by default, bound to
127.0.0.1 only. Turning it on or off is audited; any other address is refused with a clear message."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop import dialogs
from desktop.qt import (
    QApplication,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from engine.workspace import Workspace

OFF_TEXT = ("Off. When on, local programs can call the selected model (or the promoted one) at "
            "http://127.0.0.1:<port>/v1 with the OpenAI chat API. Inputs are redacted and every call is logged.")


class EndpointTab(QWidget):
    def __init__(self, workspace: Callable[[], Workspace | None], artifact: Callable[[], int | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._workspace, self._artifact = workspace, artifact
        self.endpoint: Any = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.host = QLineEdit("127.0.0.1")
        self.host.setMaximumWidth(260)
        self.host.setToolTip("Only 127.0.0.1 is accepted: the endpoint never listens on the network.")
        form.addRow("Address", self.host)
        self.port = QSpinBox()
        self.port.setRange(0, 65535)
        self.port.setValue(8642)
        self.port.setMaximumWidth(120)
        self.port.setToolTip("0 picks a free port")
        form.addRow("Port", self.port)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.toggle_button = QPushButton("Turn on")
        self.toggle_button.setProperty("accent", True)
        self.toggle_button.clicked.connect(self.toggle)
        row.addWidget(self.toggle_button)
        self.status = QLabel(OFF_TEXT)
        self.status.setObjectName("Muted")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # to copy the token
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        layout.addStretch(1)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.turn_off)  # quitting turns it off (and audits that)

    @property
    def running(self) -> bool:
        return self.endpoint is not None

    def toggle(self) -> None:
        if self.running:
            self.turn_off()
        else:
            self.turn_on()

    def turn_on(self) -> None:
        from engine.errors import AirlockError

        ws = self._workspace()
        if ws is None or self.running:
            return
        try:
            self.endpoint = ws.console.endpoint(self._artifact(), self.host.text().strip(),
                                                self.port.value()).start()
        except (AirlockError, OSError) as exc:
            self.endpoint = None
            dialogs.show_error(self, "Local endpoint not started", str(exc))
            self.status.setText(f"✖ Not started: {exc}")
            return
        self.status.setText(f"✔ On: serving {self.endpoint.model_id()} at {self.endpoint.url} "
                            "(OpenAI-compatible, this computer only)"
                            + (f"\nBearer token, shown this once (copy it now): {self.endpoint.new_token}"
                               if self.endpoint.new_token else "\nRequests need the workspace's bearer token "
                               "(airlock token rotate issues a new one)."))
        self._sync()

    def turn_off(self) -> None:
        if self.endpoint is not None:
            self.endpoint.stop()
            self.endpoint = None
        self.status.setText(OFF_TEXT)
        self._sync()

    def _sync(self) -> None:
        self.toggle_button.setText("Turn off" if self.running else "Turn on")
        self.host.setEnabled(not self.running)
        self.port.setEnabled(not self.running)
