"""The job spec a training worker reads, and the files of a run folder.

The service writes ``spec.json`` into the run folder; the worker appends its events
(engine.training.events) to ``progress.jsonl`` and stops at the next step boundary once a
file named ``cancel`` appears in the run folder (works the same on Windows).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SPEC_FILE = "spec.json"
CANCEL_FILE = "cancel"
RESULT_FILE = "result.json"
WORKER_LEASE_FILE = "worker.lock"  # held by the run's one worker (engine.store.lease)
LEASE_FD_ENV = "AIRLOCK_RUN_LEASE_FD"  # the lease's file descriptor, handed to the worker
WORKER = "training worker"  # who holds the lease: a worker that stops when its window closes,
DETACHED_WORKER = "detached training worker"  # or one started to outlive it


@dataclass(frozen=True)
class PromptCompletion:
    prompt: str
    completion: str


@dataclass(frozen=True)
class TrainingSpec:
    run_id: int
    workspace: str
    run_dir: str
    base_model_path: str
    config: dict[str, Any]
    train: list[PromptCompletion]
    eval: list[PromptCompletion]
    resume_from: str | None = None
    merge: bool = True
    base_model_sha256: str = ""
    # Test-only hook: {"at_step": N, "error": "cuda-oom" | "cuda-oom-runtime"} makes the worker raise
    # that error right after step N, to test the out-of-memory path where no GPU exists. Never set
    # by the service; a resume clears it.
    simulate_failure: dict[str, Any] | None = None

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def read(cls, path: Path) -> TrainingSpec:
        data = json.loads(path.read_text())
        data["train"] = [PromptCompletion(**r) for r in data["train"]]
        data["eval"] = [PromptCompletion(**r) for r in data["eval"]]
        return cls(**data)


def checkpoints(run_dir: Path) -> list[Path]:
    """The run's complete checkpoints, oldest first. The trainer writes ``trainer_state.json`` last,
    so a folder without a readable one was cut off mid-save (the worker was killed) and is skipped."""
    found = []
    for folder in (run_dir / "checkpoints").glob("checkpoint-*"):
        step = folder.name.rsplit("-", 1)[-1]
        try:
            json.loads((folder / "trainer_state.json").read_text())
        except (OSError, ValueError):
            continue
        if step.isdigit():
            found.append((int(step), folder))
    return [folder for _step, folder in sorted(found)]
