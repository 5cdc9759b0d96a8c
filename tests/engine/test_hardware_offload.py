"""The GPU offload plan: how many of a model's layers llama.cpp is told to put on the card."""

from __future__ import annotations

from engine.hardware import MIN_RESERVE, describe_offload, plan_gpu_offload

GiB = 2**30


def test_no_gpu_or_no_room_means_cpu() -> None:
    assert plan_gpu_offload(4 * GiB, 32, None) == 0
    assert plan_gpu_offload(4 * GiB, 32, 0) == 0
    assert plan_gpu_offload(4 * GiB, 32, MIN_RESERVE) == 0  # only the reserve is free


def test_a_model_that_fits_goes_on_the_gpu_whole() -> None:
    # an 8B Q4_K_M GGUF (~4.9 GB) on a 24 GB card with 22 GiB free: every layer and the output
    assert plan_gpu_offload(int(4.9e9), 32, 22 * GiB) == 33


def test_a_model_too_big_gets_as_many_layers_as_fit() -> None:
    model = 16 * GiB  # an 8B model in f16 on an 8 GiB card
    layers = plan_gpu_offload(model, 32, 8 * GiB)
    per_layer = model / 33
    reserve = max(MIN_RESERVE, int(0.1 * 8 * GiB))
    assert layers == int((8 * GiB - reserve) // per_layer) == 14
    assert layers * per_layer <= 8 * GiB - reserve < (layers + 1) * per_layer
    # the KV cache needs room too: fewer layers when it is large
    assert plan_gpu_offload(model, 32, 8 * GiB, kv_cache_bytes=2 * GiB) < layers


def test_described_for_the_status_line() -> None:
    assert describe_offload(0, 32, None) == "CPU (llama.cpp, no layers on a GPU)"
    assert describe_offload(33, 32, "RTX 4090") == "CUDA RTX 4090: 32/32 layers and the output layer on the GPU"
    assert describe_offload(14, 32, "RTX 4070") == "CUDA RTX 4070: 14/32 layers on the GPU"
