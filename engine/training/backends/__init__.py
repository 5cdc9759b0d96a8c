"""Training backends behind one small interface.

``choose_backend`` says why it chose what it chose; the reason is stored on the
run. It looks for unsloth and bitsandbytes with ``find_spec`` (never importing
them), and only after a CUDA device was found, so a CPU machine never imports
either.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
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


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def choose_backend(method: str, cuda_probe: Callable[[], bool] = cuda_available,
                   is_installed: Callable[[str], bool] = installed) -> tuple[str, str]:
    """(backend name, reason in words). ``cuda_probe`` and ``is_installed`` are parameters so
    the decision can be tested on machines without a GPU."""
    four_bit = method == "qlora-4bit"
    if not cuda_probe():
        if four_bit:
            return "trl-peft", ("cpu: no CUDA device; 4-bit QLoRA needs one, so TRL + PEFT trains "
                                "LoRA on a 32-bit base on the CPU")
        return "trl-peft", "cpu: no CUDA device; TRL + PEFT on the CPU"
    if is_installed("unsloth"):
        return "unsloth", ("cuda with unsloth: Unsloth FastLanguageModel"
                           + (" in 4-bit (QLoRA)" if four_bit else " in 16-bit (LoRA)") + " with TRL's SFT trainer")
    if not four_bit:
        return "trl-peft", "cuda without unsloth: TRL + PEFT LoRA on a 16-bit base"
    if is_installed("bitsandbytes"):
        return "trl-peft", "cuda without unsloth: TRL + PEFT with bitsandbytes 4-bit"
    return "trl-peft", ("cuda without unsloth or bitsandbytes: TRL + PEFT LoRA on a 16-bit base "
                        "(install the gpu extra for 4-bit QLoRA)")


def load_backend(name: str) -> Backend:
    if name == "trl-peft":
        from engine.training.backends.trl_peft import TrlPeftBackend

        return TrlPeftBackend()
    if name == "unsloth":
        from engine.training.backends.unsloth import UnslothBackend

        return UnslothBackend()
    raise ValueError(f"unknown training backend {name!r}")
