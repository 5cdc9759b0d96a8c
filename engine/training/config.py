"""One training configuration for every backend, checked field by field.

The base model is not part of the configuration: a run names it (with its
sha256) next to the configuration, so one configuration can be reused.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from engine.errors import AirlockError

ALL_PROJECTIONS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
METHODS = {
    "lora-16bit": "LoRA on a 16-bit base (32-bit on a CPU)",
    "qlora-4bit": "QLoRA: LoRA on a 4-bit NF4 base (needs a CUDA GPU; LoRA on a CPU)",
}
OLD_METHOD_NAMES = {"lora": "lora-16bit", "qlora": "qlora-4bit"}
SCHEDULERS = ("linear", "cosine", "cosine_with_restarts", "polynomial", "constant", "constant_with_warmup",
              "inverse_sqrt")
MODULE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
MAX_LENGTH_LIMIT = 131072


@dataclass(frozen=True)
class TrainingConfig:
    method: str = "lora-16bit"
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
    responses_only: bool = True  # loss on the completion (the answer) only, not on the prompt
    seed: int = 42
    eval_every: int = 0  # steps; 0 = once per epoch
    checkpoint_every: int = 0  # steps; 0 = only at the end
    gradient_checkpointing: bool = False

    @property
    def four_bit(self) -> bool:
        return self.method == "qlora-4bit"

    def problems(self) -> list[str]:
        """Every problem with this configuration, in words a practitioner understands."""
        out = []
        if self.method not in METHODS:
            out.append(f"method must be one of {', '.join(METHODS)}, not {self.method!r}")
        for name in ("lora_r", "lora_alpha", "batch_size", "grad_accumulation", "max_length"):
            if getattr(self, name) < 1:
                out.append(f"{name} must be at least 1")
        if self.lora_r > 1024:
            out.append("lora_r above 1024 is not a low-rank adapter any more")
        if self.max_length > MAX_LENGTH_LIMIT:
            out.append(f"max_length must be at most {MAX_LENGTH_LIMIT}")
        if not 0 <= self.lora_dropout < 1:
            out.append("lora_dropout must be in [0, 1)")
        if not 0 < self.learning_rate < 1:
            out.append("learning_rate must be positive" if self.learning_rate <= 0
                       else "learning_rate must be below 1")
        if self.epochs < 0 or self.max_steps < 0:
            out.append("epochs and max_steps cannot be negative")
        elif self.epochs == 0 and self.max_steps == 0:
            out.append("set epochs or max_steps")
        if self.scheduler not in SCHEDULERS:
            out.append(f"scheduler must be one of {', '.join(SCHEDULERS)}, not {self.scheduler!r}")
        if not 0 <= self.warmup_ratio < 1:
            out.append("warmup_ratio must be in [0, 1)")
        if self.weight_decay < 0:
            out.append("weight_decay cannot be negative")
        if self.seed < 0:
            out.append("seed cannot be negative")
        for name, zero in (("eval_every", "once per epoch"), ("checkpoint_every", "only at the end")):
            if getattr(self, name) < 0:
                out.append(f"{name} cannot be negative (0 means {zero})")
        if not self.target_modules:
            out.append("choose at least one target module")
        bad = [m for m in self.target_modules if not MODULE_NAME.match(m)]
        if bad:
            out.append(f"target modules are module names such as q_proj, not {', '.join(map(repr, bad))}")
        return out

    def validate(self) -> None:
        problems = self.problems()
        if problems:
            raise AirlockError("invalid training configuration: " + "; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["target_modules"] = list(self.target_modules)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingConfig:
        known = {f.name: f for f in fields(cls)}
        unknown = set(data) - set(known)
        if unknown:
            raise AirlockError(f"unknown training settings: {', '.join(sorted(unknown))}")
        values = dict(data)
        if "target_modules" in values:
            modules = values["target_modules"]
            if isinstance(modules, str):
                modules = [m.strip() for m in modules.split(",") if m.strip()]
            values["target_modules"] = tuple(modules)
        if "method" in values:
            values["method"] = OLD_METHOD_NAMES.get(values["method"], values["method"])
        wrong = [name for name, value in values.items() if not _fits(known[name].default, value)]
        if wrong:
            raise AirlockError("invalid training configuration: " + "; ".join(
                f"{name} must be {type(known[name].default).__name__}, not {values[name]!r}" for name in wrong))
        return cls(**values)


def _fits(default: Any, value: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, tuple):
        return all(isinstance(v, str) for v in value)
    return isinstance(value, type(default))
