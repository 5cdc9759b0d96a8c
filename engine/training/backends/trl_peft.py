"""TRL SFTTrainer + PEFT LoRA: the backend for CPUs and for CUDA without unsloth.

On CUDA with method qlora-4bit and bitsandbytes installed, the base is loaded in
4-bit NF4 (BitsAndBytesConfig); everywhere else in full precision.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from engine.training.backends import Reporter, installed
from engine.training.backends.sft import Outcome, forget_gguf_quantization, lora_config, run_sft
from engine.training.config import TrainingConfig
from engine.training.spec import TrainingSpec


def dequantized_copy(gguf: Path, sha256: str) -> Path:
    """The base model as a plain HF folder, built once per GGUF file (by sha256).

    Dequantizing a GGUF file in transformers takes ~25 s on 2 cores; loading the
    saved folder takes ~2 s. The cache is derived data and can be deleted."""
    import shutil

    from engine.paths import cache_dir

    target = cache_dir() / "base-models" / sha256[:24]
    if (target / "config.json").is_file() and any(target.glob("*.safetensors")):
        return target
    tokenizer, model = load_base(gguf)
    scratch = target.with_name(target.name + f".tmp-{os.getpid()}")
    shutil.rmtree(scratch, ignore_errors=True)
    model.save_pretrained(str(scratch), safe_serialization=True)
    tokenizer.save_pretrained(str(scratch))
    shutil.rmtree(target, ignore_errors=True)
    os.replace(scratch, target)
    return target


def load_base(model_path: Path, four_bit: bool = False, sha256: str = "") -> tuple[Any, Any]:
    """Tokenizer and model from a GGUF file (dequantized) or a Hugging Face folder."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from engine.models.gguf_tokenizer import align_special_ids, tokenizer_from_gguf

    if model_path.is_file() and sha256:
        model_path = dequantized_copy(model_path, sha256)
    kwargs: dict[str, Any] = {}
    if model_path.is_file():
        where, kwargs["gguf_file"] = str(model_path.parent), model_path.name
    else:
        where = str(model_path)
    # A GGUF's own tokenizer, as llama.cpp reads it (engine/models/gguf_tokenizer.py), where Airlock can build it
    tokenizer = tokenizer_from_gguf(model_path) if "gguf_file" in kwargs else None
    if tokenizer is None:
        tokenizer = AutoTokenizer.from_pretrained(where, **kwargs)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if four_bit:
        import torch
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(  # type: ignore[no-untyped-call]
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16)
    model = AutoModelForCausalLM.from_pretrained(where, **kwargs)
    if "gguf_file" in kwargs:
        forget_gguf_quantization(model)
        align_special_ids(model, tokenizer)
    if four_bit:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model)  # type: ignore[no-untyped-call]
    return tokenizer, model


class TrlPeftBackend:
    name = "trl-peft"

    def train(self, spec: TrainingSpec, reporter: Reporter) -> Outcome:
        import torch
        from transformers import set_seed

        cfg = TrainingConfig.from_dict(spec.config)
        set_seed(cfg.seed)
        use_cpu = not torch.cuda.is_available()
        four_bit = cfg.four_bit and not use_cpu and installed("bitsandbytes")
        reporter.message("Loading the base model" + (" in 4-bit (bitsandbytes NF4)" if four_bit else ""))
        tokenizer, model = load_base(Path(spec.base_model_path), four_bit=four_bit, sha256=spec.base_model_sha256)
        return run_sft(spec, reporter, model, tokenizer, lora_config(cfg, model), use_cpu,
                       bf16=not use_cpu and bool(torch.cuda.is_bf16_supported()))
