"""What a base model is, read from its files before anything loads it.

Two layouts are accepted:

* a GGUF file (metadata and tensor table read with ``gguf_file.read_gguf``);
* a Hugging Face folder: ``config.json`` with a ``model_type``, one or more
  ``*.safetensors`` weight files, and a tokenizer (``tokenizer.json`` or
  ``tokenizer.model``). Each safetensors header is parsed and its declared data
  length checked against the file size, so a truncated download is refused here
  and not in the middle of a training run.

The sha256 of a GGUF model is the file's; a folder's is the sha256 of a manifest
of ``relative path NUL sha256`` lines of the files that define the model, sorted.
"""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.blobs import sha256_file
from engine.errors import InputFileError
from engine.jobs import JobContext
from engine.models.gguf_file import read_gguf

TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model")
DEFINING_FILES = ("config.json", "generation_config.json", "tokenizer.json", "tokenizer.model",
                  "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja",
                  "model.safetensors.index.json")
CONTEXT_KEYS = ("max_position_embeddings", "n_positions", "max_seq_len", "seq_length")
SHAPE_KEYS = {"hidden_size": ("hidden_size", "n_embd", "d_model"),
              "num_layers": ("num_hidden_layers", "n_layer", "num_layers"),
              "intermediate_size": ("intermediate_size", "n_inner", "ffn_dim"),
              "num_heads": ("num_attention_heads", "n_head"),
              "num_kv_heads": ("num_key_value_heads",),
              "vocab_size": ("vocab_size",)}
MAX_HEADER_BYTES = 100 * 2**20


@dataclass(frozen=True)
class ModelFacts:
    format: str  # gguf | hf
    sha256: str
    architecture: str
    parameters: int | None
    context_length: int | None
    chat_template: str | None
    shape: dict[str, int]  # hidden_size, num_layers, intermediate_size, num_heads, num_kv_heads, vocab_size
    size_bytes: int
    suggested_name: str


def inspect_model(path: Path, ctx: JobContext | None = None) -> ModelFacts:
    """Facts about the model at ``path``; InputFileError naming the problem otherwise. Hashing a
    large model takes a while: progress goes to ``ctx``, which can also cancel."""
    if not path.exists():
        raise InputFileError(path, "no such file or folder")
    if path.is_dir():
        return inspect_hf_folder(path, ctx)
    if path.suffix.lower() == ".gguf":
        return inspect_gguf(path, ctx)
    raise InputFileError(path, "not a model: give a .gguf file or a Hugging Face model folder "
                               "(config.json + *.safetensors + tokenizer)")


def inspect_gguf(path: Path, ctx: JobContext | None = None) -> ModelFacts:
    ctx = ctx or JobContext()
    ctx.step(0.0, f"Reading {path.name}")
    info = read_gguf(path)
    ctx.step(0.1, f"Hashing {path.name}")
    return ModelFacts("gguf", sha256_file(path), info.architecture, info.parameters, info.context_length,
                      info.chat_template, info.shape, path.stat().st_size, path.stem)


def safetensors_parameters(path: Path) -> int:
    """Number of weights in one safetensors file, after checking that the file is complete."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(8)
        if len(head) < 8:
            raise InputFileError(path, f"truncated safetensors file ({size} bytes, no header)")
        header_len = struct.unpack("<Q", head)[0]
        if header_len > MAX_HEADER_BYTES or 8 + header_len > size:
            raise InputFileError(path, f"truncated or not a safetensors file: header says {header_len} bytes, "
                                       f"file has {size}")
        raw = fh.read(header_len)
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(path, f"damaged safetensors header ({exc})") from exc
    end = 0
    params = 0
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        count = 1
        for dim in entry.get("shape", []):
            count *= int(dim)
        params += count
        end = max(end, int(entry["data_offsets"][1]))
    if 8 + header_len + end > size:
        raise InputFileError(path, f"truncated: tensor data needs {8 + header_len + end} bytes, "
                                   f"file has {size}")
    return params


def _first(config: dict[str, Any], keys: tuple[str, ...]) -> int | None:
    for key in keys:
        value = config.get(key)
        if isinstance(value, int):
            return value
    text = config.get("text_config")
    return _first(text, keys) if isinstance(text, dict) else None


def _hf_shape(config: dict[str, Any]) -> dict[str, int]:
    shape = {}
    for key, names in SHAPE_KEYS.items():
        value = _first(config, names)
        if value is not None:
            shape[key] = value
    return shape


def _chat_template(folder: Path) -> str | None:
    jinja = folder / "chat_template.jinja"
    if jinja.is_file():
        return jinja.read_text(encoding="utf-8")
    tok_config = folder / "tokenizer_config.json"
    if tok_config.is_file():
        try:
            template = json.loads(tok_config.read_text(encoding="utf-8")).get("chat_template")
        except json.JSONDecodeError as exc:
            raise InputFileError(tok_config, f"not valid JSON ({exc})") from exc
        if isinstance(template, str):
            return template
        if isinstance(template, list):  # named templates: take the default one
            named = {t.get("name"): t.get("template") for t in template if isinstance(t, dict)}
            default = named.get("default")
            return default if isinstance(default, str) else None
    return None


def inspect_hf_folder(folder: Path, ctx: JobContext | None = None) -> ModelFacts:
    ctx = ctx or JobContext()
    config_path = folder / "config.json"
    if not config_path.is_file():
        raise InputFileError(folder, "not a model folder: no config.json")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(config_path, f"not valid JSON ({exc})") from exc
    if not isinstance(config, dict) or not config.get("model_type"):
        raise InputFileError(config_path, "no model_type: this is not a transformers model configuration")
    weights = sorted(folder.glob("*.safetensors"))
    if not weights:
        others = sorted(p.name for p in folder.glob("*.bin"))
        hint = f" (found {', '.join(others)}: convert to safetensors first)" if others else ""
        raise InputFileError(folder, f"no *.safetensors weight files{hint}")
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        raise InputFileError(folder, "no tokenizer (tokenizer.json or tokenizer.model)")
    params = sum(safetensors_parameters(w) for w in weights)
    manifest = hashlib.sha256()
    files = sorted([*weights, *(folder / n for n in DEFINING_FILES if (folder / n).is_file())])
    total = sum(f.stat().st_size for f in files) or 1
    done = 0
    for f in files:
        ctx.step(done / total, f"Hashing {f.name}")
        done += f.stat().st_size
        manifest.update(f"{f.name}\0{sha256_file(f)}\n".encode())
    return ModelFacts("hf", manifest.hexdigest(), str(config["model_type"]), params, _first(config, CONTEXT_KEYS),
                      _chat_template(folder), _hf_shape(config),
                      sum(f.stat().st_size for f in files), folder.name)
