"""Sensible starting settings per base model size.

Smaller models tolerate (and need) a higher learning rate and fit bigger batches;
bigger ones are trained 4-bit (QLoRA) with small batches and gradient
accumulation so the effective batch stays around 8-16.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from engine.training.config import TrainingConfig


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    max_parameters: float  # this preset applies below this many parameters
    settings: dict[str, Any]


PRESETS = (
    Preset("tiny", "under 0.5B parameters", 0.5e9,
           {"method": "lora-16bit", "lora_r": 16, "lora_alpha": 32, "learning_rate": 5e-4, "batch_size": 8,
            "grad_accumulation": 1, "max_length": 512}),
    Preset("small", "0.5B to 3B parameters", 3e9,
           {"method": "qlora-4bit", "lora_r": 16, "lora_alpha": 32, "learning_rate": 2e-4, "batch_size": 4,
            "grad_accumulation": 2, "max_length": 1024}),
    Preset("medium", "3B to 9B parameters", 9e9,
           {"method": "qlora-4bit", "lora_r": 16, "lora_alpha": 16, "learning_rate": 2e-4, "batch_size": 2,
            "grad_accumulation": 4, "max_length": 2048, "gradient_checkpointing": True}),
    Preset("large", "9B parameters and more", float("inf"),
           {"method": "qlora-4bit", "lora_r": 8, "lora_alpha": 16, "learning_rate": 1e-4, "batch_size": 1,
            "grad_accumulation": 8, "max_length": 2048, "gradient_checkpointing": True}),
)


def preset_for(parameters: int | None) -> Preset:
    """The preset for a model of this size (the small one when the size is unknown)."""
    if parameters is None:
        return PRESETS[1]
    return next(p for p in PRESETS if parameters < p.max_parameters)


def preset_by_key(key: str) -> Preset:
    for p in PRESETS:
        if p.key == key:
            return p
    raise KeyError(key)


def config_for(preset: Preset, base: TrainingConfig | None = None,
               context_length: int | None = None) -> TrainingConfig:
    """``base`` (default settings if None) with ``preset`` applied; the maximum length never
    exceeds the model's context length."""
    settings = dict(preset.settings)
    if context_length:
        settings["max_length"] = min(settings["max_length"], context_length)
    return replace(base or TrainingConfig(), **settings)
