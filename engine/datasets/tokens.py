"""Token counts with the base model's own tokenizer, loaded lazily and only the tokenizer.

The tokenizer of a GGUF model is rebuilt by transformers once (about 15 s for the demo
model) and kept as ``tokenizer.json`` in the cache (``<cache>/tokenizers/<sha256[:24]>``);
after that the ``tokenizers`` library loads it in well under a second. The base-model cache
of training (``<cache>/base-models/<sha256[:24]>``) is used when it already holds one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from engine.paths import cache_dir

TOKENIZER_FILE = "tokenizer.json"


def _cached_file(sha256: str) -> Path | None:
    for folder in ("tokenizers", "base-models"):
        path = cache_dir() / folder / sha256[:24] / TOKENIZER_FILE
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=4)
def load_tokenizer(model_path: str, sha256: str) -> Any:
    """A ``tokenizers.Tokenizer`` for the model file or folder."""
    from tokenizers import Tokenizer

    found = _cached_file(sha256)
    if found is None:
        found = Path(model_path) / TOKENIZER_FILE
    if not found.is_file():
        found = _build(Path(model_path), sha256)
    return Tokenizer.from_file(str(found))


def _build(model_path: Path, sha256: str) -> Path:
    from transformers import AutoTokenizer

    from engine.models.gguf_tokenizer import tokenizer_from_gguf

    kwargs: dict[str, Any] = {}
    if model_path.is_file():
        where, kwargs["gguf_file"] = str(model_path.parent), model_path.name
    else:
        where = str(model_path)
    tokenizer = tokenizer_from_gguf(model_path) if model_path.is_file() else None
    if tokenizer is None:
        tokenizer = AutoTokenizer.from_pretrained(where, **kwargs)
    target = cache_dir() / "tokenizers" / sha256[:24]
    scratch = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    tokenizer.save_pretrained(str(scratch))
    if target.exists():  # another process built it meanwhile
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        scratch.replace(target)
    return target / TOKENIZER_FILE


def length_summary(lengths: Sequence[int]) -> dict[str, float]:
    """min, median, 95th percentile, max and mean of a list of lengths."""
    if not lengths:
        return {"min": 0, "p50": 0, "p95": 0, "max": 0, "mean": 0.0}
    ordered = sorted(lengths)
    n = len(ordered)
    return {"min": ordered[0], "p50": ordered[n // 2], "p95": ordered[min(n - 1, int(n * 0.95))],
            "max": ordered[-1], "mean": round(sum(ordered) / n, 1)}


def histogram(values: Sequence[int], n_bins: int = 24) -> dict[str, list[Any]]:
    """Equal-width bins over [min, max]: ``edges`` has one more entry than ``counts``."""
    if not values:
        return {"edges": [], "counts": []}
    lo, hi = min(values), max(values)
    width = max(1.0, (hi - lo) / n_bins)
    n = max(1, min(n_bins, int((hi - lo) / width) + 1))
    counts = [0] * n
    for v in values:
        counts[min(n - 1, int((v - lo) / width))] += 1
    return {"edges": [round(lo + i * width, 2) for i in range(n + 1)], "counts": counts}


def token_counts(tokenizer: Any, texts: Sequence[str], batch: int = 4096) -> list[int]:
    counts: list[int] = []
    for start in range(0, len(texts), batch):
        counts.extend(len(enc.ids) for enc in tokenizer.encode_batch(list(texts[start:start + batch])))
    return counts
