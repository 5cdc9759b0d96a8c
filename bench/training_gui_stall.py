"""Longest GUI event-loop stall while the Training page starts and follows a real run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/training_gui_stall.py [--steps 4]

A 5 ms QTimer records the gap between its ticks while the real Training page (in the real
main window) starts a run on the demo model (CPU, batch 1, max length 96), tails its
progress file, redraws the loss chart and the log tail, and notices the end. A gap longer
than the timer's interval is time the event loop could not run. The same timer measured on
an idle window for as long gives the machine's own noise ("baseline"). Target: longest
stall under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

INTERVAL_MS = 5


class GapMeter:
    def __init__(self) -> None:
        from desktop.qt import Qt, QTimer

        self.gaps: list[float] = []
        self.long: list[tuple[float, float]] = []
        self._started = self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps.clear()
        self.long: list[tuple[float, float]] = []
        self._started = self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = (now - self._last) * 1000 - INTERVAL_MS
        self.gaps.append(gap)
        if gap > 50:
            self.long.append((round(now - self._started, 1), round(gap, 1)))
        self._last = now

    def summary(self) -> dict[str, float]:
        gaps = sorted(self.gaps)
        return {"ticks": len(gaps), "max_stall_ms": round(gaps[-1], 1),
                "p99_stall_ms": round(gaps[int(len(gaps) * 0.99) - 1], 1),
                "median_stall_ms": round(statistics.median(gaps), 2), "stalls_over_50ms": len(self.long),
                "longest_at_s": sorted(self.long, key=lambda x: -x[1])[:5]}


def wait(seconds: float, until: object = None) -> None:
    """Run the event loop (as the app does) until ``until()`` is true or time is up. Not a
    processEvents() loop: in PySide6 6.12.0 each processEvents() call drops a reference to None,
    and a few thousand calls crash the interpreter."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    check = QTimer()
    check.setInterval(50)
    deadline = time.monotonic() + seconds

    def tick() -> None:
        if time.monotonic() >= deadline or (until is not None and until()):  # type: ignore[operator]
            loop.quit()

    check.timeout.connect(tick)
    check.start()
    loop.exec()
    check.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4)
    args = parser.parse_args()

    from training_overhead import build_workspace

    from desktop.app import configure
    from desktop.main_window import MainWindow
    from desktop.qt import QApplication
    from engine import offline

    offline.install_guard()
    app = QApplication(sys.argv)
    configure(app)
    with tempfile.TemporaryDirectory() as tmp:
        ws, _version_id, _base_id = build_workspace(Path(tmp) / "ws")
        window = MainWindow()
        window.resize(1280, 800)
        window.show()
        window.set_workspace(ws)
        window.nav.setCurrentRow([p.key for p in window.pages.values()].index("training"))
        page = window.current_page()
        wait(3, lambda: page.estimate is not None)
        for name, value in (("max_steps", args.steps), ("batch_size", 1), ("max_length", 96),
                            ("checkpoint_every", 2)):
            page.form.inputs[name].setValue(value)
        meter = GapMeter()
        meter.start()
        wait(30)
        meter.stop()
        baseline = meter.summary()

        meter.start()
        started = time.monotonic()
        page.start_button.click()
        # cheap checks first: this runs on the measured (GUI) thread every 50 ms
        wait(3600, lambda: page.start_job is not None and page.start_job.done and not page.view.following
             and ws.training.runs()[-1].status in ("succeeded", "failed", "cancelled"))
        wait(1)
        meter.stop()
        run = ws.training.runs()[-1]
        result = {"run_status": run.status, "error": run.error, "steps": args.steps,
                  "seconds": round(time.monotonic() - started, 1),
                  "following": meter.summary(), "idle_baseline": baseline,
                  "chart_points": sum(len(s.points) for s in page.chart.series())}
        print(json.dumps(result, indent=1))
        window.close()
        ws.close()
    return 0 if result["run_status"] == "succeeded" else 1


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # skip interpreter finalization: PySide6 can crash collecting Qt objects at exit
