"""What went into a run, for the compliance officer who asks later.

Everything is stored on the run row (dataset hash, base model sha256, config,
seed, backend and why, library versions, hardware, start/end, final metrics,
checkpoint and adapter files by sha256 in the blob store) and repeated in the
audit event that ends the run.
"""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from engine.training.spec import checkpoints

LIBRARIES = ("torch", "transformers", "peft", "trl", "datasets", "accelerate", "unsloth", "bitsandbytes")


def library_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for dist in LIBRARIES:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return versions


def environment() -> dict[str, Any]:
    """Library versions and the hardware the worker runs on (called inside the worker)."""
    import psutil
    import torch

    hardware: dict[str, Any] = {"cpu": platform.processor() or platform.machine(), "cpu_count": os.cpu_count(),
                                "ram_bytes": psutil.virtual_memory().total, "os": platform.platform(),
                                "python": platform.python_version()}
    if torch.cuda.is_available():
        hardware["gpu"] = torch.cuda.get_device_name(0)
        hardware["gpu_memory_bytes"] = int(torch.cuda.get_device_properties(0).total_memory)
    return {"versions": library_versions(), "hardware": hardware}


def store_folder(ws: Any, folder: Path) -> dict[str, str]:
    """Every file of ``folder`` into the blob store: {relative path: sha256}."""
    return {str(f.relative_to(folder)): ws.blobs.put_file(f)
            for f in sorted(folder.rglob("*")) if f.is_file()}


def store_run_files(ws: Any, run_dir: Path) -> dict[str, dict[str, str]]:
    """The adapter and the complete checkpoints in the run folder, file by file, in the blob store:
    {"adapter": {file: sha256}, "checkpoint-N": {file: sha256}, ...}."""
    stored = {}
    if (run_dir / "adapter").is_dir():
        stored["adapter"] = store_folder(ws, run_dir / "adapter")
    stored.update({c.name: store_folder(ws, c) for c in checkpoints(run_dir)})
    return stored


def run_record(run: Any) -> dict[str, Any]:
    """The provenance of a run row (engine.store.models.TrainingRun) as plain JSON values."""
    env = run.environment or {}
    return {
        "dataset_version_id": run.dataset_version_id, "dataset_hash": run.dataset_hash,
        "base_model_id": run.base_model_id, "base_model_sha256": run.base_model_sha256,
        "config": run.config, "seed": run.seed,
        "backend": run.backend, "backend_reason": run.backend_reason,
        "versions": env.get("versions", {}), "hardware": env.get("hardware", {}),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "final_metrics": run.final_metrics or {},
        "adapter_sha256": run.adapter_sha256,
        "stored_files": run.stored_files or {},
        "status": run.status, "error": run.error,
    }
