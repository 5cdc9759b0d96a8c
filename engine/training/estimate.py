"""Memory and duration of a run, estimated before it starts.

Memory (bytes) = base weights at the training precision (QLoRA: the transformer blocks in 4-bit NF4,
                the token embeddings and the output layer, which bitsandbytes and Unsloth leave
                unquantized, in 16-bit)
              + LoRA parameters × 16 (fp32 weight, gradient, two Adam moments)
              + activations: batch × length × hidden × layers × k × bytes per activation
                (k = 16 without gradient checkpointing, 2 with it)
              + logits and their gradient: batch × length × vocab × 4 × 2
              + a fixed framework overhead (libraries, CUDA context).
Duration = steps × seconds per step, where seconds per step is tokens per step
divided by a measured tokens/s (an earlier run of this base model on this kind of
device) or else ≈ 6 × parameters × tokens / (assumed FLOP/s of the device).

The arithmetic is plain and documented so a practitioner can check it; it is an
estimate, and the warning errs on the side of caution (90% of what is free).
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from engine.training.config import TrainingConfig

GiB = 2**30
BYTES_PER_WEIGHT = {"fp32": 4.0, "bf16": 2.0, "nf4": 0.5625}  # nf4: 4 bits + double-quantised scales
BYTES_PER_TRAINABLE = 16  # fp32 weight + gradient + Adam m and v
ACTIVATION_FACTOR = {False: 16, True: 2}  # per layer, × hidden, per token; with gradient checkpointing
OVERHEAD = {"cpu": 0.6 * GiB, "cuda": 0.8 * GiB}
FLOPS_PER_TOKEN_PER_PARAM = 6
ASSUMED_FLOPS = {"cpu_core": 40e9, "cuda": 60e12}  # sustained, not peak
FIT_MARGIN = 0.9


@dataclass(frozen=True)
class Hardware:
    device: str  # cpu | cuda
    name: str
    cpu_cores: int
    ram_total: int
    ram_available: int
    gpu_total: int | None = None
    gpu_free: int | None = None

    @property
    def budget(self) -> int:
        """Bytes the run can use on the device it trains on."""
        if self.device == "cuda" and self.gpu_free is not None:
            return self.gpu_free
        return self.ram_available

    def describe(self) -> str:
        ram = f"{self.ram_total / GiB:.0f} GiB RAM ({self.ram_available / GiB:.1f} free)"
        if self.device == "cuda" and self.gpu_total is not None:
            free = (self.gpu_free or 0) / GiB
            return f"{self.name} ({self.gpu_total / GiB:.0f} GiB, {free:.1f} free), {self.cpu_cores} CPU cores, {ram}"
        return f"CPU only: {self.cpu_cores} cores, {ram}"


def _nvidia_driver_present() -> bool:
    return Path("/proc/driver/nvidia/version").exists() or shutil.which("nvidia-smi") is not None


@lru_cache(maxsize=1)
def _gpu() -> tuple[str, int] | None:
    """Name and total memory of CUDA device 0, looked up once. torch is imported only where an
    NVIDIA driver is present, so a CPU machine's GUI never pays for (or stalls on) importing it."""
    if importlib.util.find_spec("torch") is None or not _nvidia_driver_present():
        return None
    import torch

    if not torch.cuda.is_available():
        return None
    return torch.cuda.get_device_name(0), int(torch.cuda.get_device_properties(0).total_memory)


def detect_hardware() -> Hardware:
    """CPU cores and RAM via psutil (fresh on every call); a CUDA GPU via torch only when torch
    is installed (imports torch, ~1.5 s the first time: call it off the GUI thread)."""
    import psutil

    vm = psutil.virtual_memory()
    cores = psutil.cpu_count(logical=False) or os.cpu_count() or 1
    gpu = _gpu()
    if gpu is None:
        return Hardware("cpu", "CPU", cores, vm.total, vm.available)
    import torch

    free, _total = torch.cuda.mem_get_info(0)
    return Hardware("cuda", gpu[0], cores, vm.total, vm.available, gpu[1], int(free))


@dataclass(frozen=True)
class ModelShape:
    parameters: int
    hidden_size: int
    num_layers: int
    intermediate_size: int
    kv_size: int  # width of the k and v projections (key/value heads × head size)
    vocab_size: int

    @classmethod
    def from_metadata(cls, parameters: int, shape: dict[str, int]) -> ModelShape:
        """Missing entries fall back to a typical decoder (intermediate = 8/3 hidden, no GQA)."""
        hidden = shape.get("hidden_size") or 1024
        layers = shape.get("num_layers") or max(1, round(parameters / (12 * hidden * hidden)))
        heads, kv_heads = shape.get("num_heads"), shape.get("num_kv_heads")
        kv = hidden * kv_heads // heads if heads and kv_heads else hidden
        return cls(parameters, hidden, layers, shape.get("intermediate_size") or hidden * 8 // 3, kv,
                   shape.get("vocab_size") or 32000)

    @property
    def embedding_parameters(self) -> int:
        """Input embeddings plus the output layer (counted untied: the larger, safer figure)."""
        return min(self.parameters, 2 * self.vocab_size * self.hidden_size)

    def weight_bytes(self, precision: str) -> int:
        if precision != "nf4":
            return int(self.parameters * BYTES_PER_WEIGHT[precision])
        blocks = self.parameters - self.embedding_parameters
        return int(blocks * BYTES_PER_WEIGHT["nf4"] + self.embedding_parameters * BYTES_PER_WEIGHT["bf16"])

    def projection_sizes(self) -> dict[str, tuple[int, int]]:
        h, i, kv = self.hidden_size, self.intermediate_size, self.kv_size
        return {"q_proj": (h, h), "k_proj": (h, kv), "v_proj": (h, kv), "o_proj": (h, h),
                "gate_proj": (h, i), "up_proj": (h, i), "down_proj": (i, h)}

    def lora_parameters(self, r: int, modules: tuple[str, ...]) -> int:
        """r × (in + out) per adapted projection per layer (unknown names count as hidden × hidden)."""
        sizes = self.projection_sizes()
        per_layer = sum(r * sum(sizes.get(m, (self.hidden_size, self.hidden_size))) for m in modules)
        return per_layer * self.num_layers


@dataclass(frozen=True)
class Estimate:
    precision: str
    weights_bytes: int
    lora_parameters: int
    lora_state_bytes: int
    activation_bytes: int
    logits_bytes: int
    overhead_bytes: int
    tokens_per_step: int
    steps: int
    seconds_per_step: float
    speed_basis: str  # "measured" | "assumed"
    hardware: Hardware
    mean_tokens: float = 0.0
    max_length: int = 0

    @property
    def total_bytes(self) -> int:
        return (self.weights_bytes + self.lora_state_bytes + self.activation_bytes + self.logits_bytes
                + self.overhead_bytes)

    @property
    def duration_s(self) -> float:
        return self.steps * self.seconds_per_step

    @property
    def fits(self) -> bool:
        return self.total_bytes <= self.hardware.budget * FIT_MARGIN

    @property
    def truncates(self) -> bool:
        return self.mean_tokens > self.max_length > 0

    @property
    def warning(self) -> str | None:
        if self.truncates:
            return (f"examples average about {self.mean_tokens:.0f} tokens but the maximum length is "
                    f"{self.max_length}: most answers would be cut off; raise the maximum length")
        if self.fits:
            return None
        where = "GPU memory" if self.hardware.device == "cuda" else "free RAM"
        return (f"this run needs about {self.total_bytes / GiB:.1f} GiB but only "
                f"{self.hardware.budget / GiB:.1f} GiB of {where} is available: lower the batch size or the "
                "maximum length, turn on gradient checkpointing, or use QLoRA 4-bit on a GPU")

    def summary(self) -> str:
        minutes = self.duration_s / 60
        took = f"{minutes:.0f} min" if minutes >= 1 else f"{self.duration_s:.0f} s"
        return (f"≈ {self.total_bytes / GiB:.2f} GiB ({self.precision} weights {self.weights_bytes / GiB:.2f}, "
                f"LoRA {self.lora_parameters / 1e6:.1f}M params, activations "
                f"{(self.activation_bytes + self.logits_bytes) / GiB:.2f}); {self.steps} steps × "
                f"{self.seconds_per_step:.2f} s ({self.speed_basis}) ≈ {took}")


def precision_for(config: TrainingConfig, device: str) -> str:
    if device != "cuda":
        return "fp32"
    return "nf4" if config.four_bit else "bf16"


def total_steps(config: TrainingConfig, n_train: int) -> int:
    per_epoch = max(1, math.ceil(n_train / (config.batch_size * config.grad_accumulation)))
    return config.max_steps if config.max_steps > 0 else math.ceil(per_epoch * config.epochs)


def estimate(shape: ModelShape, config: TrainingConfig, n_train: int, mean_tokens: float,
             hardware: Hardware, measured_tokens_per_second: float | None = None) -> Estimate:
    """``mean_tokens``: average prompt + answer length of a training example, in tokens."""
    precision = precision_for(config, hardware.device)
    act_bytes = 4 if precision == "fp32" else 2
    length = min(config.max_length, max(1, math.ceil(mean_tokens)))
    lora = shape.lora_parameters(config.lora_r, config.target_modules)
    activations = (config.batch_size * length * shape.hidden_size * shape.num_layers
                   * ACTIVATION_FACTOR[config.gradient_checkpointing] * act_bytes)
    logits = config.batch_size * length * shape.vocab_size * 4 * 2
    tokens_per_step = config.batch_size * config.grad_accumulation * length
    if measured_tokens_per_second:
        seconds, basis = tokens_per_step / measured_tokens_per_second, "measured"
    else:
        flops = (ASSUMED_FLOPS["cuda"] if hardware.device == "cuda"
                 else ASSUMED_FLOPS["cpu_core"] * hardware.cpu_cores)
        seconds, basis = FLOPS_PER_TOKEN_PER_PARAM * shape.parameters * tokens_per_step / flops, "assumed"
    return Estimate(precision, shape.weight_bytes(precision), lora,
                    lora * BYTES_PER_TRAINABLE, activations, logits, int(OVERHEAD[hardware.device]),
                    tokens_per_step, total_steps(config, n_train), seconds, basis, hardware, mean_tokens,
                    config.max_length)
