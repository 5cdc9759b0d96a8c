"""The GGUF LoRA writer on a small synthetic PEFT adapter for the demo model (no training): names,
shapes, metadata, the RoPE row order of q/k, and that llama.cpp loads it on the base GGUF."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.errors import InputFileError
from engine.models.lora_gguf import rope_permute_rows, write_lora_gguf
from engine.paths import demo_model_path

RANK = 4


def _adapter(folder: Path, scale_b: float, rslora: bool = False) -> dict[str, np.ndarray]:
    from safetensors.numpy import save_file

    rng = np.random.default_rng(0)
    shapes = {"q_proj": (576, 576), "k_proj": (192, 576), "v_proj": (192, 576), "down_proj": (576, 1536)}
    tensors = {}
    for module, (out, inp) in shapes.items():
        prefix = f"base_model.model.model.layers.0.{'mlp' if module == 'down_proj' else 'self_attn'}.{module}"
        tensors[f"{prefix}.lora_A.weight"] = rng.normal(0, 0.05, (RANK, inp)).astype(np.float32)
        tensors[f"{prefix}.lora_B.weight"] = (scale_b * rng.normal(0, 1, (out, RANK))).astype(np.float32)
    folder.mkdir()
    save_file(tensors, str(folder / "adapter_model.safetensors"))
    (folder / "adapter_config.json").write_text(json.dumps(
        {"peft_type": "LORA", "r": RANK, "lora_alpha": 8, "use_rslora": rslora}))
    return tensors


def test_written_adapter_has_llama_cpp_names_shapes_metadata_and_rope_order(tmp_path: Path) -> None:
    from gguf import GGUFReader

    base = demo_model_path()
    assert base is not None
    tensors = _adapter(tmp_path / "adapter", 1.0)
    out = tmp_path / "adapter.gguf"
    assert write_lora_gguf(tmp_path / "adapter", base, out) == 4
    reader = GGUFReader(str(out))
    assert reader.fields["general.type"].contents() == "adapter"
    assert reader.fields["adapter.type"].contents() == "lora"
    assert reader.fields["adapter.lora.alpha"].contents() == pytest.approx(8.0)
    assert reader.fields["general.architecture"].contents() == "llama"
    got = {t.name: np.asarray(t.data) for t in reader.tensors}
    assert set(got) == {f"blk.0.{n}.weight.lora_{p}" for n in ("attn_q", "attn_k", "attn_v", "ffn_down")
                        for p in "ab"}
    pre = "base_model.model.model.layers.0"
    assert np.array_equal(got["blk.0.attn_q.weight.lora_a"], tensors[f"{pre}.self_attn.q_proj.lora_A.weight"])
    q_b = tensors[f"{pre}.self_attn.q_proj.lora_B.weight"]
    assert np.array_equal(got["blk.0.attn_q.weight.lora_b"], rope_permute_rows(q_b, 9))
    assert not np.array_equal(got["blk.0.attn_q.weight.lora_b"], q_b)
    k_b = tensors[f"{pre}.self_attn.k_proj.lora_B.weight"]
    assert np.array_equal(got["blk.0.attn_k.weight.lora_b"], rope_permute_rows(k_b, 3))
    assert np.array_equal(got["blk.0.attn_v.weight.lora_b"], tensors[f"{pre}.self_attn.v_proj.lora_B.weight"])
    # rope order: within each head, the two rotary halves are interleaved
    rows = np.arange(576 * 1, dtype=np.float32).reshape(576, 1)
    assert rope_permute_rows(rows, 9)[:4, 0].tolist() == [0, 32, 1, 33]


def test_rslora_alpha_is_converted_and_bad_adapters_are_named(tmp_path: Path) -> None:
    from gguf import GGUFReader

    base = demo_model_path()
    assert base is not None
    _adapter(tmp_path / "adapter", 1.0, rslora=True)
    write_lora_gguf(tmp_path / "adapter", base, tmp_path / "a.gguf")
    assert GGUFReader(str(tmp_path / "a.gguf")).fields["adapter.lora.alpha"].contents() == pytest.approx(16.0)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputFileError, match=r"adapter_config\.json"):
        write_lora_gguf(empty, base, tmp_path / "b.gguf")


@pytest.mark.slow
def test_llama_cpp_loads_it_and_a_zero_adapter_changes_nothing(tmp_path: Path) -> None:
    from engine.inference.runtime import LoadedModel

    base = demo_model_path()
    assert base is not None
    _adapter(tmp_path / "zero", 0.0)
    _adapter(tmp_path / "strong", 5.0)
    for name in ("zero", "strong"):
        write_lora_gguf(tmp_path / name, base, tmp_path / f"{name}.gguf")
    prompt = [1, 504, 2626, 1392]
    logits = {}
    for name, lora in (("base", None), ("zero", tmp_path / "zero.gguf"), ("strong", tmp_path / "strong.gguf")):
        with LoadedModel(base, n_ctx=64, n_threads=2, lora_path=lora) as model:
            logits[name] = np.array(model.logits(prompt))
    assert np.allclose(logits["zero"], logits["base"], atol=1e-3)
    assert not np.allclose(logits["strong"], logits["base"], atol=1e-1)


@pytest.mark.slow
def test_other_architectures_keep_hf_row_order_and_unknown_or_misfit_adapters_are_refused(tmp_path: Path) -> None:
    """A Qwen3 base (converted by llama.cpp's converter without any q/k permutation) gets lora_B as
    PEFT wrote it; an adapter that does not fit the base's weights, or a base architecture whose
    rotary layout is unknown, is refused naming the file."""
    import gguf
    from gguf import GGUFReader

    from engine.models.convert import convert_to_gguf
    from tests.engine.architectures import build_tiny_folder, demo_tokenizer_dir

    folder = build_tiny_folder("qwen3", tmp_path / "tiny-qwen3", demo_tokenizer_dir())
    base = tmp_path / "qwen3.gguf"
    convert_to_gguf(folder, base)
    rng = np.random.default_rng(1)
    pre = "base_model.model.model.layers.1.self_attn"
    tensors = {f"{pre}.q_proj.lora_A.weight": rng.normal(0, 0.05, (RANK, 256)).astype(np.float32),
               f"{pre}.q_proj.lora_B.weight": rng.normal(0, 1, (256, RANK)).astype(np.float32),
               f"{pre}.k_proj.lora_A.weight": rng.normal(0, 0.05, (RANK, 256)).astype(np.float32),
               f"{pre}.k_proj.lora_B.weight": rng.normal(0, 1, (128, RANK)).astype(np.float32)}
    from safetensors.numpy import save_file

    adapter = tmp_path / "adapter"
    adapter.mkdir()
    save_file(tensors, str(adapter / "adapter_model.safetensors"))
    (adapter / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA", "r": RANK, "lora_alpha": 8}))
    assert write_lora_gguf(adapter, base, tmp_path / "a.gguf") == 2
    got = {t.name: np.asarray(t.data) for t in GGUFReader(str(tmp_path / "a.gguf")).tensors}
    assert np.array_equal(got["blk.1.attn_q.weight.lora_b"], tensors[f"{pre}.q_proj.lora_B.weight"])
    assert np.array_equal(got["blk.1.attn_k.weight.lora_b"], tensors[f"{pre}.k_proj.lora_B.weight"])

    tensors[f"{pre}.k_proj.lora_B.weight"] = rng.normal(0, 1, (256, RANK)).astype(np.float32)  # q's size
    save_file(tensors, str(adapter / "adapter_model.safetensors"))
    with pytest.raises(InputFileError, match=r"k_proj \(256x256\) does not fit the base weight blk\.1\.attn_k"):
        write_lora_gguf(adapter, base, tmp_path / "b.gguf")

    odd = tmp_path / "gpt2.gguf"
    writer = gguf.GGUFWriter(str(odd), "gpt2")
    writer.add_head_count(4)
    writer.add_block_count(2)
    writer.add_tensor("blk.1.attn_qkv.weight", np.zeros((768, 256), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with pytest.raises(InputFileError, match=r"gpt2\.gguf: GGUF LoRA adapters are not supported for the 'gpt2'"):
        write_lora_gguf(adapter, odd, tmp_path / "c.gguf")
