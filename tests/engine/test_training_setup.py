"""Everything decided before a run starts: configuration checks, presets, the memory/duration
estimate (against hand-computed numbers for the demo model), the backend choice, and the words a
failure is reported in."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.errors import AirlockError
from engine.training.backends import choose_backend
from engine.training.config import TrainingConfig
from engine.training.estimate import GiB, Hardware, ModelShape, estimate
from engine.training.failures import explain_exit, explain_failure
from engine.training.presets import PRESETS, config_for, preset_for

DEMO = ModelShape.from_metadata(134_515_008, {"hidden_size": 576, "num_layers": 30, "intermediate_size": 1536,
                                              "num_heads": 9, "num_kv_heads": 3, "vocab_size": 49152})
TWO_CORES = Hardware("cpu", "CPU", cpu_cores=2, ram_total=24 * GiB, ram_available=20 * GiB)


def test_every_field_is_checked_with_a_clear_message() -> None:
    bad = TrainingConfig(method="int8", lora_r=0, lora_dropout=1.0, learning_rate=2.0, scheduler="sawtooth",
                         warmup_ratio=1.5, weight_decay=-1, epochs=0, max_steps=0, eval_every=-1,
                         checkpoint_every=-2, target_modules=("q_proj", "all layers"), seed=-1)
    text = "; ".join(bad.problems())
    for expected in ("method must be one of lora-16bit, qlora-4bit, not 'int8'", "lora_r must be at least 1",
                     "lora_dropout must be in [0, 1)", "learning_rate must be below 1",
                     "scheduler must be one of linear", "warmup_ratio must be in [0, 1)",
                     "weight_decay cannot be negative", "set epochs or max_steps", "seed cannot be negative",
                     "eval_every cannot be negative (0 means once per epoch)",
                     "checkpoint_every cannot be negative (0 means only at the end)",
                     "target modules are module names such as q_proj, not 'all layers'"):
        assert expected in text
    with pytest.raises(AirlockError, match=r"^invalid training configuration: method must be"):
        bad.validate()
    assert TrainingConfig().problems() == []


def test_settings_from_json_are_typed_and_old_method_names_still_read() -> None:
    cfg = TrainingConfig.from_dict({"method": "qlora", "target_modules": "q_proj, v_proj", "epochs": 3})
    assert (cfg.method, cfg.target_modules, cfg.epochs, cfg.four_bit) == ("qlora-4bit", ("q_proj", "v_proj"), 3, True)
    with pytest.raises(AirlockError, match="batch_size must be int, not '8'; responses_only must be bool"):
        TrainingConfig.from_dict({"batch_size": "8", "responses_only": "yes"})
    with pytest.raises(AirlockError, match="unknown training settings: lora_rank"):
        TrainingConfig.from_dict({"lora_rank": 8})
    assert TrainingConfig.from_dict(TrainingConfig().to_dict()) == TrainingConfig()


def test_presets_follow_model_size_and_respect_the_context_length() -> None:
    assert [preset_for(n).key for n in (135e6, 1.5e9, 8e9, 70e9, None)] == ["tiny", "small", "medium", "large",
                                                                              "small"]
    tiny = config_for(preset_for(134_515_008), context_length=8192)
    assert (tiny.method, tiny.batch_size, tiny.max_length, tiny.learning_rate) == ("lora-16bit", 8, 512, 5e-4)
    assert config_for(PRESETS[2], context_length=1024).max_length == 1024
    for preset in PRESETS:
        assert config_for(preset).problems() == []


def test_estimate_matches_the_hand_computed_numbers_for_the_demo_model() -> None:
    cfg = TrainingConfig(batch_size=4, max_length=256, lora_r=16, epochs=2)
    est = estimate(DEMO, cfg, n_train=64, mean_tokens=57.3, hardware=TWO_CORES)
    # LoRA: r × (in + out) per projection per layer: q 576+576, k 576+192, v 576+192, o 576+576,
    # gate 576+1536, up 576+1536, down 1536+576 = 10,176 × 16 = 162,816 per layer × 30 layers
    assert est.lora_parameters == 4_884_480  # PEFT reports 4.9M trainable on this model
    assert est.precision == "fp32" and est.weights_bytes == 134_515_008 * 4
    assert est.lora_state_bytes == 4_884_480 * 16
    assert est.activation_bytes == 4 * 58 * 576 * 30 * 16 * 4 == 256_573_440  # 57.3 tokens rounds up to 58
    assert est.logits_bytes == 4 * 58 * 49152 * 4 * 2 == 91_226_112
    assert est.total_bytes == 538_060_032 + 78_151_680 + 256_573_440 + 91_226_112 + int(0.6 * GiB)
    assert est.steps == 32 and est.tokens_per_step == 232
    assert est.seconds_per_step == pytest.approx(6 * 134_515_008 * 232 / (2 * 40e9))  # ≈ 2.34 s
    assert est.speed_basis == "assumed" and est.fits and est.warning is None
    measured = estimate(DEMO, cfg, 64, 57.3, TWO_CORES, measured_tokens_per_second=116.0)
    assert measured.seconds_per_step == pytest.approx(2.0) and measured.duration_s == pytest.approx(64.0)
    assert "32 steps × 2.00 s (measured)" in measured.summary()


def test_estimate_warns_when_the_run_will_not_fit() -> None:
    small_box = Hardware("cpu", "CPU", 2, 4 * GiB, int(1.2 * GiB))
    est = estimate(DEMO, TrainingConfig(batch_size=16, max_length=1024), 64, 900, small_box)
    assert not est.fits
    assert est.warning is not None and "only 1.2 GiB of free RAM" in est.warning
    assert "lower the batch size or the maximum length" in est.warning
    cut = estimate(DEMO, TrainingConfig(max_length=64), 64, 71, TWO_CORES)
    assert cut.fits and cut.warning is not None
    assert cut.warning.startswith("examples average about 71 tokens but the maximum length is 64")
    gpu = Hardware("cuda", "NVIDIA test", 8, 64 * GiB, 60 * GiB, gpu_total=24 * GiB, gpu_free=23 * GiB)
    four_bit = estimate(DEMO, TrainingConfig(method="qlora-4bit"), 64, 57, gpu)
    # QLoRA: the blocks in NF4, the embeddings and output layer (2 × 49,152 × 576, counted untied) in bf16
    embeddings = 2 * 49152 * 576
    assert four_bit.precision == "nf4"
    assert four_bit.weights_bytes == int((134_515_008 - embeddings) * 0.5625 + embeddings * 2) == 157_060_404


def test_backend_choice_and_its_reason() -> None:
    """A CUDA GPU cannot exist on this machine, so the CUDA probe and the installed-package lookup
    are substituted; everything else is the real decision."""
    def has(*names: str):  # type: ignore[no-untyped-def]
        return lambda module: module in names

    assert choose_backend("lora-16bit", lambda: False, has("unsloth", "bitsandbytes")) == (
        "trl-peft", "cpu: no CUDA device; TRL + PEFT on the CPU")
    name, why = choose_backend("qlora-4bit", lambda: False, has("unsloth"))
    assert name == "trl-peft" and why.startswith("cpu: no CUDA device; 4-bit QLoRA needs one")
    assert choose_backend("qlora-4bit", lambda: True, has("unsloth", "bitsandbytes")) == (
        "unsloth", "cuda with unsloth: Unsloth FastLanguageModel in 4-bit (QLoRA) with TRL's SFT trainer")
    assert choose_backend("qlora-4bit", lambda: True, has("bitsandbytes")) == (
        "trl-peft", "cuda without unsloth: TRL + PEFT with bitsandbytes 4-bit")
    name, why = choose_backend("qlora-4bit", lambda: True, has())
    assert name == "trl-peft" and "install the gpu extra" in why
    assert choose_backend("lora-16bit", lambda: True, has())[1] == (
        "cuda without unsloth: TRL + PEFT LoRA on a 16-bit base")


def test_the_real_probe_says_what_this_machine_has() -> None:
    """On a machine without CUDA the CPU path; with CUDA (torch sees a device) a CUDA path."""
    from engine.training.backends import cuda_available

    name, why = choose_backend("qlora-4bit")
    if cuda_available():
        assert why.startswith("cuda")
    else:
        assert name == "trl-peft" and why.startswith("cpu: no CUDA device")


def test_training_code_on_a_cpu_never_imports_unsloth_or_bitsandbytes() -> None:
    code = ("import sys\n"
            "import engine.training.service, engine.training.worker, engine.training.estimate\n"
            "from engine.training.backends import choose_backend, load_backend\n"
            "print(choose_backend('qlora-4bit'))\n"
            "load_backend('trl-peft')\n"
            "import engine.training.backends.sft\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('unsloth', 'bitsandbytes')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_out_of_memory_and_crashes_are_reported_in_plain_words() -> None:
    import torch

    try:
        torch.empty(2**50, dtype=torch.uint8)  # a real allocation failure of the CPU allocator
    except RuntimeError as exc:
        cpu_oom = exc
    assert explain_failure(cpu_oom, 120).startswith("out of memory (RAM) at step 120: lower the batch size")
    try:
        bytearray(2**62)
    except MemoryError as exc:
        python_oom = exc
    assert explain_failure(python_oom, 0).startswith(
        "out of memory (RAM) while loading the model or before the first step")
    gpu = torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
    assert explain_failure(gpu, 120) == ("out of GPU memory at step 120: lower the batch size or the maximum "
                                         "length (or turn on gradient checkpointing), then resume from the "
                                         "last checkpoint")
    runtime = RuntimeError("CUDA error: out of memory")  # what some CUDA kernels raise instead
    assert explain_failure(runtime, 3).startswith("out of GPU memory at step 3: lower the batch size")
    trl_empty = ValueError("num_samples should be a positive integer value, but got num_samples=0")
    assert "the maximum sequence length cuts off every answer" in explain_failure(trl_empty, 0)
    assert explain_failure(ValueError("bad value\ndetails"), 7) == "training failed at step 7: ValueError: bad value"
    assert "(killed by signal 9); SIGKILL is also what the system sends when it runs out of memory" in explain_exit(-9)
    assert "crashed inside a native library" in explain_exit(-11)
    assert explain_exit(3).startswith("the training process ended unexpectedly (exit code 3); the last checkpoint")


def test_a_checkpoint_cut_off_mid_save_is_never_offered_for_resume(tmp_path: Path) -> None:
    """The trainer writes trainer_state.json last: a folder without a readable one was cut off by a
    kill during the save, so resume and the blob store take the previous complete checkpoint."""
    from engine.training.spec import checkpoints

    assert checkpoints(tmp_path) == []
    for step, state in ((2, '{"global_step": 2}'), (10, '{"global_step": 10}'), (12, '{"global_st'), (14, None)):
        folder = tmp_path / "checkpoints" / f"checkpoint-{step}"
        folder.mkdir(parents=True)
        (folder / "adapter_model.safetensors").write_bytes(b"x")
        if state is not None:
            (folder / "trainer_state.json").write_text(state)
    (tmp_path / "checkpoints" / "checkpoint-x").mkdir()
    assert [p.name for p in checkpoints(tmp_path)] == ["checkpoint-2", "checkpoint-10"]  # by step, not by name
    assert json.loads((checkpoints(tmp_path)[-1] / "trainer_state.json").read_text())["global_step"] == 10
