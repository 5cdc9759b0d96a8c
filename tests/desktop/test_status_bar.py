"""The status bar: the workspace, the offline state with refused attempts, who you are, jobs."""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest

from desktop.jobs import Job
from desktop.status_bar import offline_text
from engine import offline
from engine.jobs import JobContext


def test_offline_text_counts_refused_attempts(window: Any, workspace: Any) -> None:
    # The test process is not sealed by the kernel (tests/desktop/test_sealed_window.py runs a sealed one).
    window.set_workspace(workspace)
    before = len(offline.blocked_attempts())
    noun = "attempt" if before == 1 else "attempts"
    assert window.status.network_text() == f"▲ Offline — Python guard only, not sealed ({before} {noun} refused)"
    assert window.status.network_label.property("state") == "partial"
    assert "Not sealed by the kernel: this process was not started sealed" in window.status.network_label.toolTip()

    with pytest.raises(offline.NetworkBlocked):
        socket.create_connection(("198.51.100.7", 443), timeout=1)
    window.status.update_network()
    after = len(offline.blocked_attempts())
    assert after == before + 1
    noun = "attempt" if after == 1 else "attempts"
    assert window.status.network_text() == f"▲ Offline — Python guard only, not sealed ({after} {noun} refused)"
    assert any(e.action == "network.blocked" for e in workspace.audit.entries())


def test_offline_text_says_so_when_the_guard_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(offline, "guard_installed", lambda: False)
    assert offline_text() == ("Network guard is OFF", False)


def test_workspace_user_and_role_are_shown(window: Any, workspace: Any) -> None:
    assert window.status.workspace_label.full_text() == "No workspace open"
    window.set_workspace(workspace)
    assert window.status.workspace_label.full_text() == f"{workspace.name}  —  {workspace.root}"
    assert window.status.user_label.text() == "tester · admin"
    assert window.status.user_label.isVisible() and window.status.network_label.isVisible()
    assert window.windowTitle() == f"Airlock — {workspace.name}"


def test_running_jobs_are_listed_with_progress(window: Any, qtbot: Any) -> None:
    release = threading.Event()

    def slow(ctx: JobContext) -> None:
        ctx.report(0.4, "splitting train/eval/test")
        release.wait(5)

    bar = window.status
    assert bar.jobs_label.isHidden()
    job = Job(slow, "Freezing triage-v2").run(window.runner)
    qtbot.waitUntil(lambda: "splitting" in bar.jobs_label.text(), timeout=3000)
    assert bar.jobs_label.text() == "Freezing triage-v2 — splitting train/eval/test"
    assert bar.jobs_progress.value() == 400 and bar.jobs_progress.isVisible()
    release.set()
    qtbot.waitUntil(lambda: job.done and bar.jobs_label.isHidden(), timeout=5000)
    assert bar.jobs_progress.isHidden()


def test_the_runtime_label_says_where_the_loaded_model_runs(window: Any) -> None:
    """After a real load of the demo GGUF (no GPU here), the label says CPU and the tooltip names the
    model and the inference process's own report."""
    from engine.inference.runtime import LoadedModel
    from engine.paths import demo_model_path

    path = demo_model_path()
    assert path is not None
    with LoadedModel(path, n_threads=1):
        window.status.update_runtime()
    assert window.status.runtime_label.text().endswith(" · CPU")
    tip = window.status.runtime_label.toolTip()
    assert f"{path.name}: CPU (llama.cpp, no layers on a GPU)" in tip


def test_the_short_placement_of_a_gpu_offload() -> None:
    # a CUDA GPU cannot exist here: the inference process's report is made by the same function
    from desktop.status_bar import placement_text
    from engine.hardware import describe_offload

    assert placement_text(describe_offload(24, 30, "NVIDIA H200")) == "GPU 24/30 layers"
    assert placement_text(describe_offload(31, 30, "NVIDIA H200")) == "GPU 30/30 layers"
    assert placement_text(describe_offload(0, 30, "NVIDIA H200")) == "CPU"
