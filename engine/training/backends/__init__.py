"""Training backends behind one small interface.

``choose_backend`` says why it chose what it chose; the reason is stored on the
run. It only looks for unsloth (never imports it) and only when CUDA is present.
"""

from __future__ import annotations

import importlib.util
from typing import Protocol

from engine.training.spec import TrainingSpec


class Reporter(Protocol):
    def begin(self, total_steps: int) -> None: ...
    def step(self, step: int, total: int, epoch: float) -> None: ...
    def log(self, step: int, epoch: float, values: dict[str, float]) -> None: ...
    def cancel_requested(self) -> bool: ...
    def message(self, text: str) -> None: ...


class TrainOutcome(Protocol):
    adapter_dir: str
    merged_dir: str | None
    final_metrics: dict[str, float]
    cancelled: bool
    last_checkpoint: str | None


class Backend(Protocol):
    name: str

    def train(self, spec: TrainingSpec, reporter: Reporter) -> TrainOutcome: ...


def cuda_available() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def choose_backend(method: str) -> tuple[str, str]:
    """(backend name, reason)."""
    if cuda_available():
        if importlib.util.find_spec("unsloth") is not None:
            return "trl-peft", ("CUDA GPU found; the Unsloth backend is not part of this version yet, "
                                "so TRL + PEFT runs on the GPU")
        return "trl-peft", "CUDA GPU found but unsloth is not installed: TRL + PEFT on the GPU"
    if method == "qlora":
        return "trl-peft", "no CUDA GPU: 4-bit QLoRA needs one, training 16/32-bit LoRA on the CPU instead"
    return "trl-peft", "no CUDA GPU: TRL + PEFT on the CPU"


def load_backend(name: str) -> Backend:
    if name != "trl-peft":
        raise ValueError(f"unknown training backend {name!r}")
    from engine.training.backends.trl_peft import TrlPeftBackend

    return TrlPeftBackend()
