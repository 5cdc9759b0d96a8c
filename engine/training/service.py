"""Start, watch and cancel training runs; each run is its own worker process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.clock import now
from engine.errors import AirlockError, NotReady
from engine.jobs import Cancelled, JobContext
from engine.store.lease import Lease, LeaseHeld
from engine.store.models import TrainingRun
from engine.tasks.prompt import PromptFormat
from engine.tasks.record_text import served_answer
from engine.training.config import TrainingConfig
from engine.training.estimate import Estimate, Hardware, ModelShape, detect_hardware, estimate
from engine.training.events import Event, Message, Step, read_events
from engine.training.failures import explain_exit
from engine.training.parent_watch import PARENT_ENV
from engine.training.provenance import run_record
from engine.training.run_info import TERMINAL, CurvePoint, RunInfo, loss_curve, run_info, run_infos
from engine.training.spec import (
    CANCEL_FILE,
    LEASE_FD_ENV,
    SPEC_FILE,
    WORKER_LEASE_FILE,
    PromptCompletion,
    TrainingSpec,
    checkpoints,
)

if TYPE_CHECKING:
    from engine.datasets.service import DatasetService
    from engine.members import MembershipService
    from engine.models.service import BaseModelInfo, ModelService
    from engine.store.workspace_store import WorkspaceStore
    from engine.tasks.service import TaskService

__all__ = ["TERMINAL", "CurvePoint", "RunInfo", "TrainingService"]
CHARS_PER_TOKEN = 3.6  # English text with a BPE tokenizer; only used for estimates


class TrainingService:
    def __init__(self, store: WorkspaceStore, membership: MembershipService, tasks: TaskService,
                 datasets: DatasetService, models: ModelService) -> None:
        self.store = store
        self.membership = membership
        self.tasks = tasks
        self.datasets = datasets  # the versions trained on
        self.models = models  # the base models trained from
        self._procs: dict[int, subprocess.Popen[bytes]] = {}
        self._attached: set[int] = set()  # runs whose worker stops when this process ends
        self._run_dirs: dict[int, Path] = {}  # for follow(), which a window calls several times a second

    def _examples(self, version_id: int, base: BaseModelInfo) -> tuple[list[PromptCompletion], list[PromptCompletion]]:
        version = self.datasets.get(version_id)
        task = self.tasks.get(version.task_id)
        if not base.chat_template:
            raise NotReady(f"base model {base.name} has no chat template")
        fmt = PromptFormat(task.system_prompt, task.user_template, base.chat_template)
        def pair(input_text: str, target: str) -> PromptCompletion:  # the answer as the decoder writes it
            return PromptCompletion(fmt.prompt(input_text), fmt.completion(served_answer(task.kind, task.spec, target)))

        train = [pair(r.input_text, r.target) for r in self.datasets.rows(version_id, "train")]
        evals = [pair(r.input_text, r.target) for r in self.datasets.rows(version_id, "eval")]
        if not train:
            raise NotReady(f"dataset version {version.name} has no training examples")
        return train, evals

    def check_config(self, config: TrainingConfig, base: BaseModelInfo) -> None:
        """Validate every field, and the fields that depend on the base model."""
        problems = config.problems()
        if base.context_length and config.max_length > base.context_length:
            problems.append(f"max_length {config.max_length} exceeds the context length of {base.name} "
                            f"({base.context_length})")
        if problems:
            raise AirlockError("invalid training configuration: " + "; ".join(problems))

    def estimate(self, version_id: int, base_model_id: int, config: TrainingConfig,
                 hardware: Hardware | None = None) -> Estimate:
        """Memory and duration of this run on this machine (see engine.training.estimate)."""
        base = self.models.base(base_model_id)
        train, _ = self._examples(version_id, base)
        return self._estimate(base, config, train, hardware)

    def _estimate(self, base: BaseModelInfo, config: TrainingConfig, train: list[PromptCompletion],
                  hardware: Hardware | None) -> Estimate:
        hardware = hardware or detect_hardware()
        chars = sum(len(r.prompt) + len(r.completion) for r in train) / len(train)
        shape = ModelShape.from_metadata(base.parameters or 0, base.shape)
        return estimate(shape, config, len(train), chars / CHARS_PER_TOKEN, hardware,
                        self._measured_speed(base.id, hardware.device))

    def _measured_speed(self, base_model_id: int, device: str) -> float | None:
        """Median tokens/s of the latest succeeded run of this base model on this kind of device."""
        from engine.store.models import TrainingMetric

        with self.store.reader() as s:
            runs = s.scalars(select(TrainingRun).where(TrainingRun.base_model_id == base_model_id,
                                                       TrainingRun.status == "succeeded")
                             .order_by(TrainingRun.id.desc())).all()
            for run in runs:
                env = run.environment or {}
                if ("gpu" in env.get("hardware", {})) != (device == "cuda"):
                    continue
                speeds = sorted(v for v in s.scalars(select(TrainingMetric.tokens_per_second).where(
                    TrainingMetric.run_id == run.id, TrainingMetric.tokens_per_second.is_not(None))) if v)
                if speeds:
                    return float(speeds[len(speeds) // 2])
        return None

    def create(self, version_id: int, base_model_id: int, config: TrainingConfig,
               hardware: Hardware | None = None, overridden: Sequence[str] = ()) -> RunInfo:
        """A queued run with its spec written. ``overridden``: the readiness report's refusals the
        person chose to train past (recorded in the audit event)."""
        self.membership.require("expert", "training")
        base = self.models.base(base_model_id)
        self.check_config(config, base)
        version = self.datasets.get(version_id)
        train, evals = self._examples(version_id, base)
        guess = self._estimate(base, config, train, hardware)
        guess_record = {"total_bytes": guess.total_bytes, "duration_s": round(guess.duration_s, 1),
                        "steps": guess.steps, "fits": guess.fits, "summary": guess.summary(),
                        "hardware": guess.hardware.describe()}
        with self.store.unit() as s:
            run = TrainingRun(dataset_version_id=version_id, base_model_id=base_model_id,
                              config=config.to_dict(), status="queued", run_dir="",
                              dataset_hash=version.content_hash, base_model_sha256=base.sha256, seed=config.seed,
                              estimate=guess_record,
                              created_by=self.store.identity.os_user, created_at=now())
            s.add(run)
            s.flush()
            run_dir = self.store.run_dir("training", f"run-{run.id:04d}")
            run.run_dir = str(run_dir)
            spec = TrainingSpec(run_id=run.id, workspace=str(self.store.root), run_dir=str(run_dir),
                                base_model_path=str(base.path), config=config.to_dict(),
                                train=train, eval=evals, base_model_sha256=base.sha256)
            spec.write(run_dir / SPEC_FILE)
            self.store.audit.record(s, "training.created", f"training_run:{run.id}",
                                 {"dataset_version": version.content_hash, "base_model_sha256": base.sha256,
                                  "base_model": base.name, "config": config.to_dict(), "seed": config.seed,
                                  "train_examples": len(train), "eval_examples": len(evals),
                                  "estimate": guess_record,
                                  **({"readiness_overridden": list(overridden)} if overridden else {})})
            return run_info(run, base.name, version.name)

    def provenance(self, run_id: int) -> dict[str, Any]:
        """Everything that went into a run (engine.training.provenance.run_record)."""
        with self.store.reader() as s:
            run = s.get(TrainingRun, run_id)
            if run is None:
                raise AirlockError(f"no training run with id {run_id}")
            return run_record(run)

    def get(self, run_id: int) -> RunInfo:
        found = run_infos(self.store, run_id)
        if not found:
            raise AirlockError(f"no training run with id {run_id}")
        return found[0]

    def runs(self, newest_first: bool = False) -> list[RunInfo]:
        """Every run (oldest first, or newest first as the Training page lists them)."""
        return run_infos(self.store, newest_first=newest_first)

    def follow(self, run_id: int, offset: int = 0) -> tuple[list[Event], int]:
        """What the run's worker reported after byte ``offset`` of its progress file, and the offset
        to follow from next (engine.training.events)."""
        run_dir = self._run_dirs.get(run_id) or self.get(run_id).run_dir
        self._run_dirs[run_id] = run_dir
        return read_events(run_dir, offset)

    def curve(self, run_id: int) -> list[CurvePoint]:
        """The metrics the worker logged, step by step."""
        return loss_curve(self.store, run_id)

    def resume(self, run_id: int, detach: bool = False) -> int:
        """Continue a cancelled or failed run from its last checkpoint; returns the worker pid.
        Refused while another process has a worker on the run (or is starting one).

        The checkpoint holds the optimizer, scheduler and RNG states, and the trainer
        skips the batches already seen, so the data order and the loss curve are the
        same as an uninterrupted run's. Metrics logged after the checkpoint are dropped
        (those steps run again)."""
        self.membership.require("expert", "training")
        from sqlalchemy import delete

        from engine.store.models import TrainingMetric

        with self._worker_lease(self.get(run_id)) as lease:
            info = self.get(run_id)
            if info.status == "running":  # we hold the lease, so its worker is gone
                self._mark_dead(run_id, None)
                info = self.get(run_id)
            if info.status not in ("cancelled", "failed"):
                raise AirlockError(f"training run {run_id} is {info.status}; only a cancelled or failed run "
                                   "can be resumed")
            kept = checkpoints(info.run_dir)
            if not kept:
                raise NotReady(f"training run {run_id} has no checkpoint to resume from; start a new run")
            checkpoint = kept[-1]
            step = int(checkpoint.name.rsplit("-", 1)[-1])
            spec = TrainingSpec.read(info.run_dir / SPEC_FILE)
            replace(spec, resume_from=str(checkpoint), simulate_failure=None).write(info.run_dir / SPEC_FILE)
            with self.store.unit() as s:
                run = s.get_one(TrainingRun, run_id)
                run.status, run.error, run.finished_at = "queued", None, None
                s.execute(delete(TrainingMetric).where(TrainingMetric.run_id == run_id, TrainingMetric.step > step))
                self.store.audit.record(s, "training.resumed", f"training_run:{run_id}",
                                     {"checkpoint_step": step, "previous_status": info.status, "detached": detach})
            return self._launch(self.get(run_id), lease, detach)

    def start(self, run_id: int, detach: bool = False) -> int:
        """Launch the run's worker process; returns its pid. The worker stops on its own (keeping a
        checkpoint) when this process ends, unless ``detach``: then it runs on its own until done.
        One worker per run: refused while another process has one on it (or is starting one)."""
        self.membership.require("expert", "training")
        with self._worker_lease(self.get(run_id)) as lease:
            info = self.get(run_id)
            if info.status not in ("queued",):
                raise AirlockError(f"training run {run_id} is {info.status}; only a queued run can start")
            return self._launch(info, lease, detach)

    def _worker_lease(self, info: RunInfo) -> Lease:
        """The run's worker lease, taken to start a worker (and handed to it), or a clear refusal."""
        try:
            return Lease.take(info.run_dir / WORKER_LEASE_FILE, "Airlock starting a worker")
        except LeaseHeld as exc:
            who = exc.holder.describe() if exc.holder else "another process"
            raise AirlockError(f"training run {info.id} already has a worker: {who}. Wait for it to end, or "
                               f"cancel it first (airlock train cancel {info.id})") from None

    def _launch(self, info: RunInfo, lease: Lease, detach: bool) -> int:
        assert lease.fd is not None
        (info.run_dir / CANCEL_FILE).unlink(missing_ok=True)
        env = dict(os.environ, PYTHONUNBUFFERED="1", **{LEASE_FD_ENV: str(lease.fd)})
        env.pop(PARENT_ENV, None)
        if not detach:
            env[PARENT_ENV] = str(os.getpid())
        with open(info.run_dir / "worker.log", "ab") as log:
            proc = subprocess.Popen([sys.executable, "-m", "engine.training.worker",
                                     str(info.run_dir / SPEC_FILE)], pass_fds=(lease.fd,),
                                    stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self._procs[info.id] = proc
        (self._attached.discard if detach else self._attached.add)(info.id)
        return proc.pid

    def stopping_with_this_process(self) -> list[int]:
        """Runs this process started without ``detach`` whose worker still runs: they stop (keeping a
        checkpoint) when this process ends, so a window can say so before it closes."""
        return [run_id for run_id, proc in self._procs.items() if run_id in self._attached and proc.poll() is None]

    def cancel(self, run_id: int) -> None:
        """Ask the worker to stop at the next step boundary (it keeps a checkpoint)."""
        self.membership.require("expert", "training")
        info = self.get(run_id)
        (info.run_dir / CANCEL_FILE).write_text(str(time.time()))
        with self.store.unit() as s:
            self.store.audit.record(s, "training.cancel_requested", f"training_run:{run_id}", {})

    def kill(self, run_id: int) -> None:
        """Fallback when a worker does not stop: end its whole process tree."""
        self.membership.require("expert", "training")
        proc = self._procs.get(run_id)
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)

    def wait(self, run_id: int, ctx: JobContext | None = None, poll_s: float = 0.25) -> RunInfo:
        """Follow a running worker's progress until it ends. Cancelling the job cancels the run."""
        ctx = ctx or JobContext()
        info = self.get(run_id)
        proc = self._procs.get(run_id)
        offset = 0
        cancel_sent = False
        fraction = 0.0
        while True:
            events, offset = read_events(info.run_dir, offset)
            for ev in events:
                if isinstance(ev, Step) and ev.total_steps:
                    eta = f", ETA {ev.eta_s:.0f} s" if ev.eta_s is not None else ""
                    fraction = ev.step / ev.total_steps
                    ctx.report(fraction, f"Training step {ev.step}/{ev.total_steps}{eta}")
                elif isinstance(ev, Message):
                    ctx.report(fraction, ev.text)
            if ctx.cancelled() and not cancel_sent:
                self.cancel(run_id)
                cancel_sent = True
            exited = proc is not None and proc.poll() is not None
            status = self.get(run_id).status
            if status in TERMINAL and (proc is None or exited):
                break
            if exited:
                self._mark_dead(run_id, proc.returncode if proc else None)
                break
            time.sleep(poll_s)
        final = self.get(run_id)
        if cancel_sent and final.status == "cancelled":
            raise Cancelled()
        return final

    def worker_gone(self, run_id: int) -> bool:
        """Whether a run recorded as running has lost its worker process (a quick look: nothing is
        stored; ``check_alive`` marks such a run failed)."""
        info = self.get(run_id)
        if info.status != "running":
            return False
        with self.store.reader() as s:
            pid = s.get_one(TrainingRun, run_id).pid
        proc = self._procs.get(run_id)
        if proc is not None:
            return proc.poll() is not None
        if (info.run_dir / WORKER_LEASE_FILE).exists():  # workers hold the run's lease until they end
            return info.worker is None
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    def check_alive(self, run_id: int) -> RunInfo:
        """A run recorded as running whose worker process is gone is marked failed (its checkpoints
        are stored first: this can take a while for a big model)."""
        if self.worker_gone(run_id):
            proc = self._procs.get(run_id)
            self._mark_dead(run_id, proc.returncode if proc is not None else None)
        return self.get(run_id)

    def _mark_dead(self, run_id: int, code: int | None) -> None:
        from engine.training.provenance import store_run_files

        info = self.get(run_id)
        if info.status in TERMINAL:
            return
        stored = store_run_files(self.store, info.run_dir)  # the checkpoints it left are still usable
        with self.store.unit() as s:
            run = s.get_one(TrainingRun, run_id)
            if run.status in TERMINAL:
                return
            run.status = "failed"
            run.error = explain_exit(code)
            run.finished_at = now()
            run.stored_files = stored
            self.store.audit.record(s, "training.failed", f"training_run:{run_id}", run_record(run))

    def train(self, version_id: int, base_model_id: int, config: TrainingConfig,
              ctx: JobContext | None = None) -> RunInfo:
        run = self.create(version_id, base_model_id, config)
        self.start(run.id)
        return self.wait(run.id, ctx)
