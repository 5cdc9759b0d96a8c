"""The status bar: which workspace, that the machine is offline, who you are, what is running."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.qt import QLabel, QProgressBar, QResizeEvent, QSizePolicy, QStatusBar, Qt, QTimer, QWidget
from engine import offline, seal

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.workspace import Workspace

OFFLINE_POLL_MS = 2000


def offline_text() -> tuple[str, bool]:
    """(what the status bar says about the network, whether that is the safe state)."""
    if not offline.guard_installed():
        return "Network guard is OFF", False
    refused = len(offline.blocked_attempts())
    noun = "attempt" if refused == 1 else "attempts"
    if seal.current().sealed:
        return f"Offline — sealed, network blocked ({refused} {noun} refused)", True
    return f"Offline — Python guard only, not sealed ({refused} {noun} refused)", True


def network_state() -> tuple[str, str]:
    """(the label's style state: ok | partial | broken, the tooltip explaining it)."""
    state = seal.current()
    if not offline.guard_installed():
        return "broken", "The network guard is off: this process can reach the network."
    if state.sealed:
        return "ok", ("Sealed by the kernel: Airlock and every process it starts run in a private network "
                      "namespace with only loopback. Python's socket guard is on as well.")
    return "partial", (f"Not sealed by the kernel: {state.detail}. Only Python's socket guard is on: connections "
                       "made by Python code are refused, but native code could still reach a network.")


def placement_text(offload: str) -> str:
    """The status bar's short form of where a model runs: "GPU 24/30 layers" or "CPU"."""
    if offload.startswith("CUDA ") and " layers" in offload:
        return "GPU " + offload.split(": ", 1)[-1].split(" layers", 1)[0] + " layers"
    return "CPU"


class ElidedLabel(QLabel):
    """A label that shortens its text in the middle (paths!) instead of pushing others away."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setMinimumWidth(80)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = max(0, self.contentsRect().width())
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, room))


class AirlockStatusBar(QStatusBar):
    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setSizeGripEnabled(False)
        self.workspace_label = ElidedLabel()
        self.workspace_label.setObjectName("StatusWorkspace")
        self.addWidget(self.workspace_label, 1)

        self.jobs_label = QLabel()
        self.jobs_label.setObjectName("StatusJobs")
        self.jobs_progress = QProgressBar()
        self.jobs_progress.setRange(0, 1000)
        self.jobs_progress.setFixedWidth(140)
        self.jobs_progress.setFixedHeight(12)
        self.jobs_progress.setTextVisible(False)
        self.network_label = QLabel()
        self.network_label.setObjectName("StatusNetwork")
        self.user_label = QLabel()
        self.user_label.setObjectName("StatusUser")
        self.runtime_label = QLabel()
        self.runtime_label.setObjectName("StatusRuntime")
        for widget in (self.jobs_label, self.jobs_progress, self.runtime_label, self.network_label, self.user_label):
            self.addPermanentWidget(widget)

        runner.changed.connect(self.update_jobs)
        self._poll = QTimer(self)
        self._poll.setInterval(OFFLINE_POLL_MS)
        self._poll.timeout.connect(self.update_network)
        self._poll.timeout.connect(self.update_runtime)
        self._poll.start()
        self.set_workspace(None)
        self.update_runtime()
        self.update_network()
        self.update_jobs()

    def set_workspace(self, ws: Workspace | None) -> None:
        if ws is None:
            self.workspace_label.set_full_text("No workspace open")
            self.workspace_label.setToolTip("")
            self.user_label.setText("")
            self.user_label.hide()
            return
        self.workspace_label.set_full_text(f"{ws.name}  —  {ws.root}")
        self.workspace_label.setToolTip(str(ws.root))
        self.user_label.setText(f"{ws.identity.os_user} · {ws.identity.role}")
        self.user_label.show()

    def update_runtime(self) -> None:
        """Which llama.cpp settings this machine's self-test chose, and where the last loaded model
        runs: on the CPU or with layers on a GPU (details in the tooltip)."""
        from engine.inference.runtime import last_placement
        from engine.inference.selftest import machine_choice, summary

        choice = machine_choice()
        if choice is None or choice.chosen is None:
            text = "llama.cpp: untested" if choice is None else "▲ llama.cpp: no safe settings"
        else:
            text = f"llama.cpp: {choice.chosen.variant or 'built-in'} kernels"
        tip = summary()
        placed = last_placement()
        if placed:
            text += " · " + placement_text(placed["offload"])
            tip += f"\n\n{placed['model']}: {placed['offload']}" + (f"\n{placed['gpu']}" if placed["gpu"] else "")
        self.runtime_label.setText(text)
        self.runtime_label.setToolTip(tip)

    def update_network(self) -> None:
        text, _ = offline_text()
        state, explanation = network_state()
        self.network_label.setText(("● " if state == "ok" else "▲ ") + text)
        self.network_label.setProperty("state", state)
        self.network_label.setToolTip(explanation)
        self.network_label.style().unpolish(self.network_label)
        self.network_label.style().polish(self.network_label)

    def update_jobs(self) -> None:
        jobs = self.runner.running()
        if not jobs:
            self.jobs_label.hide()
            self.jobs_progress.hide()
            return
        first = jobs[0]
        more = f"  (+{len(jobs) - 1} more)" if len(jobs) > 1 else ""
        detail = f" — {first.message}" if first.message else ""
        self.jobs_label.setText(f"{first.name}{detail}{more}")
        self.jobs_label.setToolTip("\n".join(f"{j.name}: {j.fraction * 100:.0f}% {j.message}" for j in jobs))
        self.jobs_progress.setValue(int(first.fraction * 1000))
        self.jobs_label.show()
        self.jobs_progress.show()

    def network_text(self) -> str:
        return self.network_label.text()
