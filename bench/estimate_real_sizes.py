"""Airlock's memory and time estimate at real model sizes, beside published figures.

    .venv/bin/python bench/estimate_real_sizes.py

Shapes are those of the published configurations (config.json) of Llama-3.1-8B and Qwen3-8B,
typed in here (nothing is downloaded). The card is a 24 GB RTX-class GPU (23 GiB free). Each model
is estimated (engine.training.estimate) with:

* "minimum": the settings behind the published minimum figures: QLoRA 4-bit, batch 1, 512 tokens,
  gradient checkpointing, LoRA r=16 on all seven projections;
* "Airlock default": the settings a run starts with (engine.training.config defaults: batch 4,
  256 tokens, no gradient checkpointing), QLoRA 4-bit;
* the same two with 16-bit LoRA.

Published (minimums, no batch/length stated): Unsloth's requirements page, 8B: QLoRA 6 GB,
LoRA 16-bit 22 GB; LLaMA-Factory's README, 7B: QLoRA-4bit 6 GB, LoRA-16 16 GB.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.training.config import TrainingConfig
from engine.training.estimate import GiB, Hardware, ModelShape, estimate

SHAPES = {
    # parameters, hidden, layers, intermediate, heads, kv heads, vocab (published config.json values)
    "Llama-3.1-8B": (8_030_261_248, 4096, 32, 14336, 32, 8, 128256),
    "Qwen3-8B": (8_190_735_360, 4096, 36, 12288, 32, 8, 151936),
}
PUBLISHED = {"qlora-4bit": "Unsloth 8B: 6 GB; LLaMA-Factory 7B: 6 GB",
             "lora-16bit": "Unsloth 8B: 22 GB; LLaMA-Factory 7B: 16 GB"}
CARD = Hardware("cuda", "RTX 4090 (24 GB)", 16, 64 * GiB, 56 * GiB, gpu_total=24 * GiB, gpu_free=23 * GiB)
SETTINGS = {"minimum": dict(batch_size=1, max_length=512, gradient_checkpointing=True),
            "Airlock default": {}}


def shape_of(name: str) -> ModelShape:
    params, hidden, layers, inter, heads, kv, vocab = SHAPES[name]
    return ModelShape.from_metadata(params, {"hidden_size": hidden, "num_layers": layers,
                                             "intermediate_size": inter, "num_heads": heads,
                                             "num_kv_heads": kv, "vocab_size": vocab})


def main() -> None:
    rows = []
    for name in SHAPES:
        for method in ("qlora-4bit", "lora-16bit"):
            for label, extra in SETTINGS.items():
                cfg = TrainingConfig(method=method, max_steps=100, **extra)  # type: ignore[arg-type]
                est = estimate(shape_of(name), cfg, n_train=400, mean_tokens=cfg.max_length, hardware=CARD)
                rows.append({"model": name, "method": method, "settings": label,
                             "total_gib": round(est.total_bytes / GiB, 2),
                             "weights_gib": round(est.weights_bytes / GiB, 2),
                             "lora_state_gib": round(est.lora_state_bytes / GiB, 2),
                             "activations_gib": round(est.activation_bytes / GiB, 2),
                             "logits_gib": round(est.logits_bytes / GiB, 2),
                             "overhead_gib": round(est.overhead_bytes / GiB, 2),
                             "fits_24gb": est.fits, "tokens_per_step": est.tokens_per_step,
                             "seconds_per_step": round(est.seconds_per_step, 2),
                             "published": PUBLISHED[method]})
    print(f"{'model':<13} {'method':<11} {'settings':<16} {'total':>7} {'weights':>8} {'LoRA':>6} {'act.':>6} "
          f"{'logits':>7} {'fits':>5} {'s/step':>7}  published minimum")
    for r in rows:
        print(f"{r['model']:<13} {r['method']:<11} {r['settings']:<16} {r['total_gib']:>6.2f}G "
              f"{r['weights_gib']:>7.2f}G {r['lora_state_gib']:>5.2f}G {r['activations_gib']:>5.2f}G "
              f"{r['logits_gib']:>6.2f}G {'yes' if r['fits_24gb'] else 'NO':>5} {r['seconds_per_step']:>7.2f}  "
              f"{r['published']}")
    if "--json" in sys.argv:
        print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
