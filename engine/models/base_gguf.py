"""A GGUF of a Hugging Face base folder, made once and kept.

llama.cpp runs GGUF files only, so evaluating a base model that is a folder, writing a GGUF LoRA
adapter for it, or talking to it in the console needs a GGUF of it. It is converted (f16, the
precision the fine-tuned GGUFs are converted from) the first time one of those needs it, and
cached under ``<cache>/base-gguf/<sha256 of the folder>/``: the same folder is converted once, a
changed folder (another sha256) again. The cache is derived data and can be deleted.

Each conversion writes into its own temporary folder and moves the finished file into place in
one step, so two processes converting the same folder at once both end with a complete file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from engine.errors import AirlockError
from engine.jobs import JobContext

GGUF_NAME = "model-f16.gguf"


def cached_gguf_path(sha256: str) -> Path:
    from engine.paths import cache_dir

    return cache_dir() / "base-gguf" / sha256[:32] / GGUF_NAME


def gguf_of_folder(folder: Path, sha256: str, ctx: JobContext | None = None) -> Path:
    """The cached f16 GGUF of ``folder`` (registered with ``sha256``), converting it if needed."""
    from engine.models.convert import convert_to_gguf
    from engine.models.gguf_file import read_gguf
    from engine.models.registry import inspect_hf_folder

    ctx = ctx or JobContext()
    target = cached_gguf_path(sha256)
    if target.is_file():
        read_gguf(target)  # a damaged cache entry is refused here, naming the file
        return target
    ctx.step(0.0, f"Checking {folder.name} before converting it to GGUF")
    now = inspect_hf_folder(folder)
    if now.sha256 != sha256:
        raise AirlockError(f"{folder}: the model folder changed since it was registered (sha256 {sha256[:12]}… "
                           f"then, {now.sha256[:12]}… now); register it again")
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="convert-", dir=target.parent))
    try:
        ctx.step(0.1, f"Converting {folder.name} to GGUF (f16, once)")
        convert_to_gguf(folder, scratch / GGUF_NAME, ctx.sub(0.1, 1.0))
        os.replace(scratch / GGUF_NAME, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    ctx.report(1.0, f"{folder.name} converted to GGUF")
    return target
