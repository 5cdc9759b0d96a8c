"""Unsloth (FastLanguageModel) with TRL's SFT trainer: the backend for CUDA GPUs.

Only ``load_backend("unsloth")`` imports this module, and ``choose_backend`` picks
it only when a CUDA device is present and unsloth is installed (the ``gpu`` extra:
``pip install .[gpu]``). Unsloth patches transformers and TRL when imported, so it
is imported before anything else in the worker process touches them.
"""

from __future__ import annotations

from pathlib import Path

from engine.training.backends import Reporter
from engine.training.backends.sft import Outcome, resolve_target_modules, run_sft
from engine.training.config import TrainingConfig
from engine.training.spec import TrainingSpec


class UnslothBackend:
    name = "unsloth"

    def train(self, spec: TrainingSpec, reporter: Reporter) -> Outcome:
        from unsloth import FastLanguageModel  # noqa: I001  (first: it patches transformers and TRL)

        import torch
        from transformers import set_seed

        from engine.training.backends.trl_peft import dequantized_copy

        cfg = TrainingConfig.from_dict(spec.config)
        set_seed(cfg.seed)
        base = Path(spec.base_model_path)
        if base.is_file():  # GGUF: Unsloth loads Hugging Face folders only
            reporter.message("Preparing the base model (dequantizing the GGUF file once)")
            base = dequantized_copy(base, spec.base_model_sha256)
        reporter.message("Loading the base model with Unsloth" + (" in 4-bit" if cfg.four_bit else ""))
        model, tokenizer = FastLanguageModel.from_pretrained(
            model_name=str(base), max_seq_length=cfg.max_length, load_in_4bit=cfg.four_bit, dtype=None,
            local_files_only=True)
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        model = FastLanguageModel.get_peft_model(
            model, r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
            target_modules=resolve_target_modules(model, cfg.target_modules), bias="none", random_state=cfg.seed,
            use_gradient_checkpointing="unsloth" if cfg.gradient_checkpointing else False)
        return run_sft(spec, reporter, model, tokenizer, None, use_cpu=False,
                       bf16=bool(torch.cuda.is_bf16_supported()))
