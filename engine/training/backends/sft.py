"""What every backend shares: TRL's SFT trainer, its arguments, the progress callback,
and turning the trainer's end state into an outcome. A backend only loads the model
(and, for Unsloth, wraps it in LoRA itself)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.training.backends import Reporter
from engine.training.config import TrainingConfig
from engine.training.spec import TrainingSpec, checkpoints


@dataclass
class Outcome:
    adapter_dir: str
    merged_dir: str | None
    final_metrics: dict[str, float] = field(default_factory=dict)
    cancelled: bool = False
    last_checkpoint: str | None = None


def make_callback(reporter: Reporter) -> Any:
    from transformers import TrainerCallback

    class ProgressCallback(TrainerCallback):
        def __init__(self) -> None:
            self._last_time = time.monotonic()
            self._last_tokens: float | None = None

        def on_train_begin(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            reporter.begin(int(state.max_steps))

        def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            reporter.step(int(state.global_step), int(state.max_steps), float(state.epoch or 0))
            if reporter.cancel_requested():
                control.should_training_stop = True
                control.should_save = True

        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
            logs = dict(logs or {})
            values = {k: float(v) for k, v in logs.items() if isinstance(v, (int, float))}
            tokens = values.get("num_tokens")
            now = time.monotonic()
            if tokens is not None and self._last_tokens is not None and now > self._last_time:
                values["tokens_per_second"] = (tokens - self._last_tokens) / (now - self._last_time)
            if tokens is not None:
                self._last_tokens, self._last_time = tokens, now
            reporter.log(int(state.global_step), float(state.epoch or 0), values)

    return ProgressCallback()


def sft_arguments(cfg: TrainingConfig, out_dir: Path, n_train: int, has_eval: bool,
                  use_cpu: bool, bf16: bool = False) -> Any:
    """TRL arguments honouring every field of the configuration. ``responses_only`` maps to
    TRL's ``completion_only_loss`` (our examples are prompt/completion pairs): the loss is
    computed on the answer tokens only."""
    from trl import SFTConfig  # type: ignore[attr-defined]

    steps_per_epoch = max(1, math.ceil(n_train / (cfg.batch_size * cfg.grad_accumulation)))
    total = cfg.max_steps if cfg.max_steps > 0 else math.ceil(steps_per_epoch * cfg.epochs)
    eval_steps = cfg.eval_every or steps_per_epoch
    return SFTConfig(
        output_dir=str(out_dir),
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accumulation,
        learning_rate=cfg.learning_rate,
        lr_scheduler_type=cfg.scheduler,
        warmup_steps=int(total * cfg.warmup_ratio),
        weight_decay=cfg.weight_decay,
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps if cfg.max_steps > 0 else -1,
        logging_steps=1,
        save_strategy="steps",
        save_steps=cfg.checkpoint_every or total,
        save_total_limit=3,
        eval_strategy="steps" if has_eval else "no",
        eval_steps=eval_steps if has_eval else None,
        seed=cfg.seed,
        data_seed=cfg.seed,
        max_length=cfg.max_length,
        completion_only_loss=cfg.responses_only,
        packing=False,
        gradient_checkpointing=cfg.gradient_checkpointing,
        bf16=bf16,
        fp16=False,
        report_to=[],
        use_cpu=use_cpu,
        dataloader_num_workers=0,
        disable_tqdm=True,
    )


def forget_gguf_quantization(model: Any) -> None:
    """A model loaded from GGUF is marked as quantized although its weights are plain
    floats after dequantization; clear the marks so it can be trained and saved."""
    for attr in ("hf_quantizer", "quantization_method"):
        if hasattr(model, attr):
            setattr(model, attr, None)
    if hasattr(model, "is_quantized"):
        model.is_quantized = False
    if getattr(model.config, "quantization_config", None) is not None:
        del model.config.quantization_config


# What a tokenizer is read from. Saving a loaded tokenizer rewrites these (a fast tokenizer writes only
# tokenizer.json, and tokenizer_config.json names its own class, where the GGUF converter decides
# between a SentencePiece and a BPE vocabulary by the class the model folder named: Phi-3 vs Phi-4).
TOKENIZER_SOURCES = ("tokenizer.model", "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt",
                     "vocab.txt", "added_tokens.json", "special_tokens_map.json", "chat_template.jinja")


def keep_base_tokenizer_files(base_dir: Path | None, merged_dir: Path) -> None:
    """Give the merged folder the base folder's own tokenizer files: the adapter does not change the
    tokenizer, and the converter must read it exactly as the base model ships it."""
    if base_dir is None or not base_dir.is_dir():
        return
    import shutil

    for name in TOKENIZER_SOURCES:
        if (base_dir / name).is_file():
            shutil.copyfile(base_dir / name, merged_dir / name)


def merge_and_save(peft_model: Any, tokenizer: Any, merged_dir: Path, base_dir: Path | None = None) -> None:
    """Fold the adapter into the base weights and save a plain HF folder."""
    merged = peft_model.merge_and_unload()
    forget_gguf_quantization(merged)
    merged.save_pretrained(str(merged_dir), safe_serialization=True)
    tokenizer.save_pretrained(str(merged_dir))
    keep_base_tokenizer_files(base_dir, merged_dir)


# Models that fuse projections (Phi-3: qkv_proj, gate_up_proj) adapt the fused one instead.
FUSED_PROJECTIONS = {"q_proj": "qkv_proj", "k_proj": "qkv_proj", "v_proj": "qkv_proj",
                     "gate_proj": "gate_up_proj", "up_proj": "gate_up_proj"}


def resolve_target_modules(model: Any, wanted: tuple[str, ...]) -> list[str]:
    """The configured target modules as this model names them; AirlockError naming what is missing."""
    from engine.errors import AirlockError

    present = {name.rsplit(".", 1)[-1] for name, _module in model.named_modules()}
    out: list[str] = []
    missing = []
    for name in wanted:
        found = name if name in present else FUSED_PROJECTIONS.get(name)
        if found is None or found not in present:
            missing.append(name)
        elif found not in out:
            out.append(found)
    if missing:
        linear = sorted({n.rsplit(".", 1)[-1] for n, m in model.named_modules() if type(m).__name__ == "Linear"})
        raise AirlockError(f"the base model has no module named {', '.join(missing)}; its linear layers are "
                           f"{', '.join(linear)}: choose the target modules among them")
    return out


def lora_config(cfg: TrainingConfig, model: Any) -> Any:
    from peft import LoraConfig

    return LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
                      target_modules=resolve_target_modules(model, cfg.target_modules), task_type="CAUSAL_LM")


def loaded_in_4bit(model: Any) -> bool:
    """Whether any weight of ``model`` is packed 4-bit (bitsandbytes or Unsloth's 4-bit loading)."""
    if getattr(model, "is_loaded_in_4bit", False):
        return True
    return any(type(m).__name__ in ("Linear4bit", "Params4bit") for m in model.modules())


def base_folder(spec: TrainingSpec) -> Path:
    """The base model as a Hugging Face folder (a GGUF base: its dequantized copy)."""
    path = Path(spec.base_model_path)
    if path.is_dir():
        return path
    from engine.training.backends.trl_peft import dequantized_copy

    return dequantized_copy(path, spec.base_model_sha256)


def merge_into_16bit_base(base_dir: Path, adapter_dir: Path, tokenizer: Any, merged_dir: Path) -> None:
    """Merge a saved adapter into a freshly loaded copy of the base at its own 16/32-bit precision,
    on the CPU. This is how a QLoRA run is merged: the 4-bit model it trained against holds packed
    weights that cannot be merged into exactly nor read by the GGUF converter, so the adapter is
    applied to the unquantized weights it approximates."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(str(base_dir), dtype="auto", device_map="cpu",
                                                low_cpu_mem_usage=True, local_files_only=True)
    merged = PeftModel.from_pretrained(base, str(adapter_dir)).merge_and_unload()
    forget_gguf_quantization(merged)
    merged.save_pretrained(str(merged_dir), safe_serialization=True)
    tokenizer.save_pretrained(str(merged_dir))
    keep_base_tokenizer_files(base_dir, merged_dir)


def run_sft(spec: TrainingSpec, reporter: Reporter, model: Any, tokenizer: Any, peft_config: Any,
            use_cpu: bool, bf16: bool = False) -> Outcome:
    """Train ``model`` (a plain model plus ``peft_config``, or a PEFT model already wrapped and
    ``peft_config=None``), keep checkpoints, and save the adapter (and the merged model)."""
    from datasets import Dataset
    from trl import SFTTrainer  # type: ignore[attr-defined]

    cfg = TrainingConfig.from_dict(spec.config)
    run_dir = Path(spec.run_dir)
    args = sft_arguments(cfg, run_dir / "checkpoints", len(spec.train), bool(spec.eval), use_cpu, bf16)
    train_ds = Dataset.from_list([{"prompt": r.prompt, "completion": r.completion} for r in spec.train])
    eval_ds = (Dataset.from_list([{"prompt": r.prompt, "completion": r.completion} for r in spec.eval])
               if spec.eval else None)
    trainer = SFTTrainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                         processing_class=tokenizer, peft_config=peft_config,
                         callbacks=[make_callback(reporter)])
    reporter.message("Training")
    result = trainer.train(resume_from_checkpoint=spec.resume_from)
    outcome = Outcome(adapter_dir=str(run_dir / "adapter"), merged_dir=None)
    outcome.final_metrics = {k: float(v) for k, v in result.metrics.items() if isinstance(v, (int, float))}
    outcome.final_metrics["global_step"] = float(trainer.state.global_step)
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    if losses:
        outcome.final_metrics["final_loss"] = float(losses[-1])
        outcome.final_metrics["first_loss"] = float(losses[0])
    kept = checkpoints(run_dir)
    outcome.last_checkpoint = str(kept[-1]) if kept else None
    if reporter.cancel_requested():
        outcome.cancelled = True
        return outcome
    if eval_ds is not None:
        outcome.final_metrics["eval_loss"] = float(trainer.evaluate()["eval_loss"])
    trainer.save_model(outcome.adapter_dir)
    if spec.merge:
        merged_dir = run_dir / "merged"
        if cfg.four_bit or loaded_in_4bit(trainer.model):
            reporter.message("Merging the adapter into a 16-bit copy of the base model")
            merge_into_16bit_base(base_folder(spec), Path(outcome.adapter_dir), tokenizer, merged_dir)
        else:
            reporter.message("Merging the adapter into the base model")
            base = Path(spec.base_model_path)
            merge_and_save(trainer.model, tokenizer, merged_dir, base if base.is_dir() else None)
        outcome.merged_dir = str(merged_dir)
    return outcome
