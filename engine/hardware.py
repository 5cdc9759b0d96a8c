"""How much of a model llama.cpp should put on the GPU: a plain calculation the inference runtime
calls with what the probe found (engine.training.estimate.detect_hardware) and the GGUF's size.

llama.cpp offloads whole layers (``n_gpu_layers``); the output layer counts as one more. Weights are
spread evenly over the layers plus the output, which is close for decoder models (the embedding
table stays in host memory). A reserve is kept free on the card for the KV cache and llama.cpp's
compute buffers: 10% of the free memory, at least ``MIN_RESERVE`` bytes.
"""

from __future__ import annotations

MiB = 2**20
MIN_RESERVE = 512 * MiB
RESERVE_FRACTION = 0.10


def plan_gpu_offload(model_bytes: int, n_layers: int, free_vram: int | None, kv_cache_bytes: int = 0) -> int:
    """Number of layers to offload (``n_gpu_layers``): 0 without a GPU, ``n_layers + 1`` (every layer
    and the output) when the whole model fits, else as many layers as fit in the free memory."""
    if not free_vram or free_vram <= 0 or n_layers <= 0 or model_bytes <= 0:
        return 0
    usable = free_vram - max(MIN_RESERVE, int(free_vram * RESERVE_FRACTION)) - kv_cache_bytes
    if usable <= 0:
        return 0
    if usable >= model_bytes:
        return n_layers + 1
    per_layer = model_bytes / (n_layers + 1)
    return min(n_layers, int(usable // per_layer))


def describe_offload(layers: int, n_layers: int, device_name: str | None) -> str:
    """What `airlock status`, the console and evaluation say about where the model runs."""
    if layers <= 0 or not device_name:
        return "CPU (llama.cpp, no layers on a GPU)"
    shown = min(layers, n_layers)
    extra = " and the output layer" if layers > n_layers else ""
    return f"CUDA {device_name}: {shown}/{n_layers} layers{extra} on the GPU"
