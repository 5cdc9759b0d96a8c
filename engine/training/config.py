"""One training configuration for every backend."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from engine.errors import AirlockError

ALL_PROJECTIONS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass(frozen=True)
class TrainingConfig:
    method: str = "lora"  # lora | qlora (4-bit base, CUDA only)
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    target_modules: tuple[str, ...] = field(default=ALL_PROJECTIONS)
    epochs: float = 2.0
    max_steps: int = 0  # > 0 overrides epochs
    batch_size: int = 4
    grad_accumulation: int = 1
    learning_rate: float = 5e-4
    scheduler: str = "linear"
    warmup_ratio: float = 0.05
    weight_decay: float = 0.0
    max_length: int = 256
    responses_only: bool = True
    seed: int = 42
    eval_every: int = 0  # steps; 0 = once per epoch
    checkpoint_every: int = 0  # steps; 0 = only at the end
    gradient_checkpointing: bool = False

    def validate(self) -> None:
        problems = []
        if self.method not in ("lora", "qlora"):
            problems.append(f"method must be lora or qlora, not {self.method!r}")
        for name in ("lora_r", "lora_alpha", "batch_size", "grad_accumulation", "max_length"):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be at least 1")
        if not 0 <= self.lora_dropout < 1:
            problems.append("lora_dropout must be in [0, 1)")
        if self.learning_rate <= 0:
            problems.append("learning_rate must be positive")
        if self.epochs <= 0 and self.max_steps <= 0:
            problems.append("set epochs or max_steps")
        if not self.target_modules:
            problems.append("choose at least one target module")
        if problems:
            raise AirlockError("invalid training configuration: " + "; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["target_modules"] = list(self.target_modules)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise AirlockError(f"unknown training settings: {', '.join(sorted(unknown))}")
        values = dict(data)
        if "target_modules" in values:
            values["target_modules"] = tuple(values["target_modules"])
        return cls(**values)
