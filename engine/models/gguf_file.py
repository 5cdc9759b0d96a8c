"""Check a GGUF file before llama.cpp touches it, and read its metadata."""

from __future__ import annotations

import struct
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InputFileError

MAGIC = b"GGUF"
CACHED_FILES = 32

# Reading a GGUF's metadata walks its whole vocabulary (~1 s for a 49k-token model): the console
# checks the model before every answer, so results are kept per file *state* (path, inode, size,
# modification time). A file that is replaced, truncated or rewritten is read and checked again.
_cache: dict[tuple[str, int, int, int], GgufInfo] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class GgufInfo:
    architecture: str
    name: str | None
    context_length: int | None
    parameters: int
    chat_template: str | None
    file_type: int | None
    shape: dict[str, int] = field(default_factory=dict)  # hidden_size, num_layers, ... (for estimates)


def metadata_value(reader: Any, key: str) -> Any:
    """One metadata field of an open ``GGUFReader`` as a Python value (None when the file has no such key)."""
    f = reader.fields.get(key)
    return None if f is None else f.contents()


def read_gguf(path: Path) -> GgufInfo:
    """Metadata of a valid GGUF file; InputFileError naming the file otherwise."""
    if not path.is_file():
        raise InputFileError(path, "no such file")
    st = path.stat()
    key = (str(path.resolve()), st.st_ino, st.st_size, st.st_mtime_ns)
    with _cache_lock:
        known = _cache.get(key)
    if known is not None:
        return known
    info = _read(path, st.st_size)
    with _cache_lock:
        if len(_cache) >= CACHED_FILES:
            _cache.pop(next(iter(_cache)))
        _cache[key] = info
    return info


def _read(path: Path, size: int) -> GgufInfo:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if len(head) < 8 or head[:4] != MAGIC:
        raise InputFileError(path, "not a GGUF model file (wrong magic bytes)")
    version = struct.unpack("<I", head[4:8])[0]
    if version not in (2, 3):
        raise InputFileError(path, f"unsupported GGUF version {version}")
    from gguf import GGUFReader

    try:
        reader = GGUFReader(str(path))
    except Exception as exc:
        raise InputFileError(path, f"damaged or truncated GGUF file ({exc})") from exc
    end = 0
    params = 0
    for tensor in reader.tensors:
        end = max(end, int(tensor.data_offset) + int(tensor.n_bytes))
        params += int(tensor.n_elements)
    if end > size:
        raise InputFileError(path, f"truncated: tensor data needs {end} bytes, file has {size}")
    arch = metadata_value(reader, "general.architecture") or "unknown"
    ctx = metadata_value(reader, f"{arch}.context_length")
    return GgufInfo(architecture=str(arch), name=metadata_value(reader, "general.name"),
                    context_length=int(ctx) if ctx is not None else None, parameters=params,
                    chat_template=metadata_value(reader, "tokenizer.chat_template"),
                    file_type=metadata_value(reader, "general.file_type"),
                    shape=_shape(reader, str(arch)))


SHAPE_KEYS = {"hidden_size": "embedding_length", "num_layers": "block_count",
              "intermediate_size": "feed_forward_length", "num_heads": "attention.head_count",
              "num_kv_heads": "attention.head_count_kv", "vocab_size": "vocab_size"}


def _shape(reader: Any, arch: str) -> dict[str, int]:
    shape = {}
    for key, gguf_key in SHAPE_KEYS.items():
        value = metadata_value(reader, f"{arch}.{gguf_key}")
        if isinstance(value, (int, float)):
            shape[key] = int(value)
    if "vocab_size" not in shape and "tokenizer.ggml.tokens" in reader.fields:
        shape["vocab_size"] = len(reader.fields["tokenizer.ggml.tokens"].data)
    return shape
