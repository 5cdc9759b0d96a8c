"""Merging an adapter the QLoRA way: into a freshly loaded copy of the base at its own precision
(never into packed 4-bit weights), on tiny real folders; and LoRA target modules named the way
each architecture names its projections (Phi-3 fuses q/k/v and gate/up)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import AirlockError
from tests.engine.architectures import build_tiny_folder, demo_tokenizer_dir

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tokenizer_dir() -> Path:
    return demo_tokenizer_dir()


def test_adapter_merged_into_a_fresh_base_gives_the_adapted_model(tmp_path: Path, tokenizer_dir: Path) -> None:
    import torch
    from peft import LoraConfig, get_peft_model
    from safetensors import safe_open
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from engine.training.backends.sft import loaded_in_4bit, merge_into_16bit_base, resolve_target_modules

    folder = build_tiny_folder("qwen3", tmp_path / "tiny-qwen3", tokenizer_dir)
    model = AutoModelForCausalLM.from_pretrained(str(folder), local_files_only=True)
    assert not loaded_in_4bit(model)
    modules = resolve_target_modules(model, ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                                             "down_proj"))
    torch.manual_seed(3)
    peft_model = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, target_modules=modules,
                                                  init_lora_weights=False))  # random A and B: a real change
    peft_model.save_pretrained(str(tmp_path / "adapter"))
    tokens = torch.tensor([[1, 504, 2626, 1392, 28, 905]])
    with torch.no_grad():
        adapted = peft_model(tokens).logits
        base = peft_model.get_base_model()
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)

    merge_into_16bit_base(folder, tmp_path / "adapter", tokenizer, tmp_path / "merged")
    merged = AutoModelForCausalLM.from_pretrained(str(tmp_path / "merged"), local_files_only=True)
    with torch.no_grad():
        got = merged(tokens).logits
    with peft_model.disable_adapter(), torch.no_grad():
        plain = base(tokens).logits
    assert float((adapted - plain).abs().max()) > 0.1  # the adapter matters
    assert torch.allclose(got, adapted, atol=1e-4), float((got - adapted).abs().max())
    with safe_open(str(tmp_path / "merged" / "model.safetensors"), "pt") as fh:
        names = list(fh.keys())
        dtypes = {fh.get_tensor(n).dtype for n in names}
    assert dtypes == {torch.float32}  # the base's own precision, plain tensors
    assert not any("lora" in n or "absmax" in n or "quant" in n for n in names)
    assert (tmp_path / "merged" / "tokenizer.json").is_file()


def test_target_modules_follow_the_architecture(tmp_path: Path, tokenizer_dir: Path) -> None:
    from transformers import AutoModelForCausalLM

    from engine.training.backends.sft import resolve_target_modules
    from engine.training.config import ALL_PROJECTIONS

    phi3 = AutoModelForCausalLM.from_pretrained(str(build_tiny_folder("phi3", tmp_path / "phi3", tokenizer_dir)),
                                                local_files_only=True)
    assert resolve_target_modules(phi3, ALL_PROJECTIONS) == ["qkv_proj", "o_proj", "gate_up_proj", "down_proj"]
    with pytest.raises(AirlockError, match=r"no module named c_attn; its linear layers are .*qkv_proj"):
        resolve_target_modules(phi3, ("c_attn",))
