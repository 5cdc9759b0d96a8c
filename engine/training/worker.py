"""The training worker process: ``python -m engine.training.worker RUN_DIR/spec.json``.

It trains, reports JSON-lines progress into the run folder, writes metrics and
status to the workspace database (each status change audited in the same
transaction), and turns every failure into a plain-words reason on the run. It
holds the run's worker lease for as long as it lives (one worker per run), and
stops on its own, keeping a checkpoint, when the process that started it ends,
unless it was started detached (engine.training.parent_watch).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Any

from engine import offline
from engine.clock import now
from engine.store.lease import Lease
from engine.training.events import Begin, Cancelled, Done, Event, Failed, Message, Metrics, Started, Step, append_event
from engine.training.parent_watch import PARENT_ENV, ParentWatch, watch_from_environment
from engine.training.spec import (
    CANCEL_FILE,
    DETACHED_WORKER,
    LEASE_FD_ENV,
    RESULT_FILE,
    WORKER,
    WORKER_LEASE_FILE,
    TrainingSpec,
)

# Training is background work on the user's own desktop: the worker runs at a lower CPU priority so
# the window (and the console) stay responsive while it uses every core. Without it the Training
# page stalled up to 280 ms on a 2-core machine (bench/training_gui_stall.py).
NICENESS = 10


def yield_cpu_to_the_desktop() -> int:
    """Lower this process's CPU priority by ``AIRLOCK_WORKER_NICE`` (default 10); returns the new
    niceness. Affects only scheduling when the CPU is contended, not how fast an idle machine trains."""
    step = int(os.environ.get("AIRLOCK_WORKER_NICE", NICENESS))
    return os.nice(step) if step > 0 and hasattr(os, "nice") else 0


PARENT_GONE = ("stopped because the window (or command) that started it ended; resume it to continue from its "
               "last checkpoint (start a run with --detach, or 'Keep training after this window closes', to let it "
               "outlive the window)")
STOP_GRACE_S = 300.0  # after the parent ends: time to reach a step boundary and save, then stop regardless
EXIT_PARENT_GONE = 3

LOG_KEYS = {"loss": "loss", "eval_loss": "eval_loss", "learning_rate": "learning_rate",
            "tokens_per_second": "tokens_per_second"}


def memory_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


def gpu_memory_mb() -> float | None:
    """Peak GPU memory allocated by this process so far; None without CUDA."""
    torch = sys.modules.get("torch")
    if torch is None or not torch.cuda.is_available():
        return None
    return float(torch.cuda.max_memory_allocated()) / 2**20


class RunReporter:
    """Progress lines + DB metrics + cooperative cancel for one run. It counts the time it takes
    itself (``bookkeeping_s``, in every step event), so a run says what its reporting cost."""

    def __init__(self, spec: TrainingSpec, ws: Any) -> None:
        self.spec = spec
        self.ws = ws
        self.run_dir = Path(spec.run_dir)
        self.started = time.monotonic()
        self.current_step = 0
        self.total = 0
        self.steps_started = self.started
        self.bookkeeping_s = 0.0

    def _counted(self, since: float) -> None:
        self.bookkeeping_s += time.perf_counter() - since

    def emit(self, event: Event) -> None:
        append_event(self.run_dir, replace(event, t=round(time.monotonic() - self.started, 3)))

    def begin(self, total_steps: int) -> None:
        self.total = total_steps
        self.steps_started = time.monotonic()
        self.emit(Begin(total_steps=total_steps))

    def step(self, step: int, total: int, epoch: float) -> None:
        since = time.perf_counter()
        self.current_step, self.total = step, total
        elapsed = time.monotonic() - self.steps_started
        eta = elapsed / step * (total - step) if step else None
        gpu = gpu_memory_mb()
        self.emit(Step(step=step, total_steps=total, epoch=round(epoch, 4),
                       eta_s=round(eta, 1) if eta is not None else None, memory_mb=round(memory_mb(), 1),
                       gpu_memory_mb=round(gpu, 1) if gpu is not None else None,
                       bookkeeping_s=round(self.bookkeeping_s, 4)))  # up to the previous step
        self._counted(since)
        if self.spec.simulate_failure and self.spec.simulate_failure.get("at_step") == step:
            raise_simulated(str(self.spec.simulate_failure.get("error")))

    def log(self, step: int, epoch: float, values: dict[str, float]) -> None:
        from engine.store.models import TrainingMetric

        since = time.perf_counter()
        row = {key: values.get(src) for src, key in LOG_KEYS.items()}
        if all(v is None for v in row.values()):
            return
        mem = memory_mb()
        self.emit(Metrics(step=step, epoch=round(epoch, 4), memory_mb=round(mem, 1), **row))
        with self.ws.unit() as s:
            s.add(TrainingMetric(run_id=self.spec.run_id, step=step, epoch=epoch, memory_mb=mem,
                                 ts=now(), **row))
        self._counted(since)

    def cancel_requested(self) -> bool:
        since = time.perf_counter()
        asked = (self.run_dir / CANCEL_FILE).exists()
        self._counted(since)
        return asked

    def message(self, text: str) -> None:
        self.emit(Message(text=text))


def raise_simulated(error: str) -> None:
    """The spec's test-only failure hook: raise what a CUDA allocator raises when it runs out."""
    import torch

    if error == "cuda-oom":
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB (simulated)")
    if error == "cuda-oom-runtime":
        raise RuntimeError("CUDA error: out of memory (simulated)")
    raise ValueError(f"unknown simulated failure {error!r}")


def set_status(ws: Any, run_id: int, status: str, action: str, audit_extra: dict[str, Any] | None = None,
               **fields: Any) -> None:
    """Change the run's status and record it in the audit log in the same transaction. A run that
    ends (succeeded, cancelled, failed) first puts its adapter and checkpoints in the blob store,
    and its audit event carries the whole provenance record."""
    from engine.store.models import TrainingRun
    from engine.training.provenance import run_record, store_run_files

    ending = status in ("succeeded", "cancelled", "failed")
    stored = store_run_files(ws, Path(ws_run_dir(ws, run_id))) if ending else None
    with ws.unit() as s:
        run = s.get_one(TrainingRun, run_id)
        run.status = status
        for key, value in fields.items():
            setattr(run, key, value)
        if stored is not None:
            run.stored_files = stored
            details = run_record(run)
        else:
            details = {k: v for k, v in fields.items() if k in ("backend", "backend_reason", "pid")}
            if "environment" in fields:
                details.update(fields["environment"])
        ws.audit.record(s, action, f"training_run:{run_id}", {**details, **(audit_extra or {})})


def ws_run_dir(ws: Any, run_id: int) -> str:
    from engine.store.models import TrainingRun

    with ws.reader() as s:
        return str(s.get_one(TrainingRun, run_id).run_dir)


def adapter_digest(adapter_dir: Path, ws: Any) -> str | None:
    weights = adapter_dir / "adapter_model.safetensors"
    if not weights.is_file():
        return None
    sha: str = ws.blobs.put_file(weights)
    return sha


def hold_lease(spec: TrainingSpec) -> Lease | None:
    """The run's worker lease the service handed over (signed with this pid), kept until exit."""
    fd = os.environ.pop(LEASE_FD_ENV, None)
    if fd is None:
        return None
    lease = Lease(Path(spec.run_dir) / WORKER_LEASE_FILE, int(fd))
    lease.sign(WORKER if os.environ.get(PARENT_ENV) else DETACHED_WORKER)
    return lease


def stop_without_parent(reporter: RunReporter) -> None:
    """The window (or command) that started the run is gone: stop at the next step boundary like a
    cancel (a checkpoint is kept), and for good after ``STOP_GRACE_S`` if no boundary comes."""
    reporter.message("The window that started this run has ended: stopping at the next step (a checkpoint is kept)")
    (reporter.run_dir / CANCEL_FILE).write_text("the process that started the run ended")

    def give_up() -> None:
        try:
            set_status(reporter.ws, reporter.spec.run_id, "failed", "training.failed", finished_at=now(),
                       error=f"{PARENT_GONE} (it did not reach a step boundary within {STOP_GRACE_S:.0f} s)")
        finally:
            os._exit(EXIT_PARENT_GONE)

    timer = threading.Timer(STOP_GRACE_S, give_up)
    timer.daemon = True
    timer.start()


def run(spec_path: Path) -> int:
    offline.install_guard()
    from engine.training.backends import choose_backend, load_backend
    from engine.training.config import TrainingConfig
    from engine.training.failures import explain_failure
    from engine.training.provenance import environment
    from engine.workspace import Workspace

    spec = TrainingSpec.read(spec_path)
    lease = hold_lease(spec)
    ws = Workspace.open(Path(spec.workspace))
    reporter = RunReporter(spec, ws)
    watch: ParentWatch | None = watch_from_environment(lambda: stop_without_parent(reporter))
    try:
        cfg = TrainingConfig.from_dict(spec.config)
        backend_name, reason = choose_backend(cfg.method)
        set_status(ws, spec.run_id, "running", "training.started", backend=backend_name,
                   backend_reason=reason, pid=os.getpid(),
                   **({} if spec.resume_from else {"started_at": now()}),  # a resumed run keeps its start
                   environment=environment(), audit_extra={"detached": watch is None})
        reporter.emit(Started(backend=backend_name, reason=reason))
        outcome = load_backend(backend_name).train(spec, reporter)
        result = {"adapter_dir": outcome.adapter_dir, "merged_dir": outcome.merged_dir,
                  "final_metrics": outcome.final_metrics, "last_checkpoint": outcome.last_checkpoint,
                  "cancelled": outcome.cancelled}
        (Path(spec.run_dir) / RESULT_FILE).write_text(json.dumps(result, indent=1))
        if outcome.cancelled:
            orphaned = watch is not None and watch.gone.is_set()
            set_status(ws, spec.run_id, "cancelled", "training.cancelled", finished_at=now(),
                       final_metrics=outcome.final_metrics, error=PARENT_GONE if orphaned else None)
            reporter.emit(Cancelled(checkpoint=outcome.last_checkpoint, reason=PARENT_GONE if orphaned else None))
            return 0
        set_status(ws, spec.run_id, "succeeded", "training.succeeded", finished_at=now(),
                   final_metrics=outcome.final_metrics,
                   adapter_sha256=adapter_digest(Path(outcome.adapter_dir), ws))
        reporter.emit(Done(bookkeeping_s=round(reporter.bookkeeping_s, 4), extra=result))
        return 0
    except BaseException as exc:  # every failure becomes a reason on the run
        reason_text = explain_failure(exc, reporter.current_step)
        (Path(spec.run_dir) / "error.log").write_text(traceback.format_exc())
        try:
            set_status(ws, spec.run_id, "failed", "training.failed", finished_at=now(), error=reason_text)
        finally:
            reporter.emit(Failed(error=reason_text))
        return 1
    finally:
        ws.close()
        if lease is not None:
            lease.release()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python -m engine.training.worker RUN_DIR/spec.json", file=sys.stderr)
        sys.exit(2)
    yield_cpu_to_the_desktop()
    sys.exit(run(Path(sys.argv[1])))
