"""Write a PEFT LoRA adapter as a GGUF LoRA adapter that llama.cpp loads on top of the base GGUF.

What llama.cpp expects (learned from its LoRA loader and its converter's conventions):
- metadata ``general.type = "adapter"``, ``adapter.type = "lora"``, ``adapter.lora.alpha``, and the
  base model's ``general.architecture``;
- for every adapted weight ``blk.N.<name>.weight`` two tensors ``...weight.lora_a`` and
  ``...weight.lora_b``. In ggml order ``lora_a`` is [in, r] and ``lora_b`` is [r, out], which in
  numpy (row-major, dims reversed) is exactly PEFT's ``lora_A`` (r, in) and ``lora_B`` (out, r):
  no transposition is needed;
- for llama-family models (GGUF architecture ``llama``: Llama and Mistral folders, the demo model)
  the converter stores the query and key projections with their rows permuted from Hugging Face's
  rotary layout to llama.cpp's, so the output rows of ``lora_B`` for q and k get the same
  permutation (the input side, ``lora_A``, is untouched). Qwen2/3, Gemma 2/3 and Phi-3 use the
  NeoX rotary layout in llama.cpp and are converted unpermuted: their ``lora_B`` is written as is.
  Only architectures whose layout is known are written; any other is refused rather than written
  wrong. llama (and Mistral folders), qwen3, gemma3 and phi3 are checked against llama.cpp's logits
  in tests/engine/test_architectures.py; qwen2 and gemma2 are converted like qwen3 and gemma3
  (unpermuted, NeoX rotary) but have no tiny test folder the pinned converter accepts;
- Phi-3 keeps its fused ``qkv_proj`` and ``gate_up_proj`` (``attn_qkv``, ``ffn_up`` in GGUF);
- every pair is checked against the shape of the base weight it adapts;
- llama.cpp scales the product by alpha / r; PEFT's rank-stabilised variant scales by
  alpha / sqrt(r), which is written as an equivalent alpha.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from engine.errors import AirlockError, InputFileError

_PEFT_NAME = re.compile(r"^base_model\.model\.(?P<module>.+)\.lora_(?P<part>[AB])\.weight$")


# GGUF architecture -> does llama.cpp's converter permute q/k rows from the Hugging Face layout?
ROPE_ROW_ORDER = {"llama": True, "qwen2": False, "qwen3": False, "gemma2": False, "gemma3": False,
                  "phi3": False}


def rope_rows_permuted(arch: str, where: Path) -> bool:
    """Whether adapters for ``arch`` need llama's q/k row permutation; InputFileError for an
    architecture whose layout has not been checked."""
    if arch not in ROPE_ROW_ORDER:
        raise InputFileError(where, f"GGUF LoRA adapters are not supported for the {arch!r} architecture "
                                    f"(supported: {', '.join(sorted(ROPE_ROW_ORDER))}); export the merged "
                                    "GGUF model instead")
    return ROPE_ROW_ORDER[arch]


def _head_counts(base_gguf: Path) -> tuple[str, int, int, int, dict[str, tuple[int, ...]]]:
    from gguf import GGUFReader

    reader = GGUFReader(str(base_gguf))

    def field(key: str) -> Any:
        f = reader.fields.get(key)
        return None if f is None else f.contents()

    arch = str(field("general.architecture") or "")
    n_head = field(f"{arch}.attention.head_count")
    n_kv = field(f"{arch}.attention.head_count_kv") or n_head
    blocks = field(f"{arch}.block_count")
    if not arch or n_head is None or blocks is None:
        raise InputFileError(base_gguf, "base GGUF lacks architecture/head count metadata")
    shapes = {t.name: tuple(int(d) for d in t.shape) for t in reader.tensors}  # ggml order: (in, out)
    return arch, int(n_head), int(n_kv), int(blocks), shapes


def rope_permute_rows(b: Any, heads: int) -> Any:
    """Reorder the output rows of a projection from HF's rotary layout to llama.cpp's."""
    rows = b.shape[0]
    return b.reshape(heads, 2, rows // heads // 2, *b.shape[1:]).swapaxes(1, 2).reshape(b.shape)


def _adapter_config(adapter_dir: Path) -> tuple[float, int]:
    path = adapter_dir / "adapter_config.json"
    if not path.is_file():
        raise InputFileError(path, "no adapter_config.json: not a PEFT adapter folder")
    config = json.loads(path.read_text())
    if config.get("peft_type", "LORA") != "LORA":
        raise InputFileError(path, f"adapter type {config.get('peft_type')} is not LoRA")
    if config.get("modules_to_save"):
        raise InputFileError(path, "adapters that also save full modules cannot be written as a GGUF LoRA")
    r = int(config["r"])
    alpha = float(config.get("lora_alpha", r))
    if config.get("use_rslora"):
        alpha = alpha * math.sqrt(r)  # llama.cpp applies alpha / r
    return alpha, r


def write_lora_gguf(adapter_dir: Path, base_gguf: Path, out_file: Path) -> int:
    """Write ``adapter_dir`` (PEFT safetensors) as a GGUF adapter for ``base_gguf``; returns the
    number of adapted weights. Raises InputFileError naming the file on anything it cannot map."""
    import gguf
    import numpy as np
    from safetensors.numpy import load_file

    alpha, _r = _adapter_config(adapter_dir)
    weights_file = adapter_dir / "adapter_model.safetensors"
    if not weights_file.is_file():
        raise InputFileError(weights_file, "adapter weights missing")
    arch, n_head, n_kv, blocks, base_shapes = _head_counts(base_gguf)
    permute = rope_rows_permuted(arch, base_gguf)
    arch_enum = next((k for k, v in gguf.MODEL_ARCH_NAMES.items() if v == arch), None)
    if arch_enum is None:
        raise InputFileError(base_gguf, f"architecture {arch!r} is unknown to the gguf library")
    name_map = gguf.get_tensor_name_map(arch_enum, blocks)
    try:
        tensors = load_file(str(weights_file))
    except Exception as exc:
        raise InputFileError(weights_file, f"unreadable adapter weights ({exc})") from exc
    pairs: dict[str, dict[str, Any]] = {}
    for key, value in tensors.items():
        m = _PEFT_NAME.match(key)
        if m is None:
            raise InputFileError(weights_file, f"unexpected tensor {key}")
        pairs.setdefault(m["module"], {})[m["part"]] = value.astype(np.float32)
    writer = gguf.GGUFWriter(str(out_file), arch)
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, alpha)
    for module in sorted(pairs):
        parts = pairs[module]
        target = name_map.get_name(module)
        if target is None or set(parts) != {"A", "B"}:
            raise InputFileError(weights_file, f"cannot map adapted module {module} onto {arch}")
        a, b = parts["A"], parts["B"]
        expected = base_shapes.get(f"{target}.weight")
        if expected is None or expected[:2] != (a.shape[1], b.shape[0]):
            raise InputFileError(weights_file, f"adapted module {module} ({b.shape[0]}x{a.shape[1]}) does not "
                                               f"fit the base weight {target}.weight {expected} of {base_gguf.name}")
        if permute and module.endswith("q_proj"):
            b = rope_permute_rows(b, n_head)
        elif permute and module.endswith("k_proj"):
            b = rope_permute_rows(b, n_kv)
        writer.add_tensor(f"{target}.weight.lora_a", np.ascontiguousarray(a))
        writer.add_tensor(f"{target}.weight.lora_b", np.ascontiguousarray(b))
    if not pairs:
        raise InputFileError(weights_file, "the adapter holds no LoRA weights")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return len(pairs)


def describe(out_file: Path) -> dict[str, Any]:
    """Adapter metadata as read back from the file (for the smoke test and the UI)."""
    from gguf import GGUFReader

    reader = GGUFReader(str(out_file))
    fields = {k: reader.fields[k].contents() for k in ("general.type", "adapter.type", "adapter.lora.alpha")
              if k in reader.fields}
    if fields.get("general.type") != "adapter":
        raise AirlockError(f"{out_file} is not a GGUF adapter")
    return {**fields, "tensors": len(reader.tensors)}
