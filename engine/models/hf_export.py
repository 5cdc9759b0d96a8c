"""The merged model as a Hugging Face safetensors folder (what vLLM and other servers load).

The folder holds the configuration, the tokenizer (with its chat template) and the
safetensors weights of the merged model; it is checked (``inspect_hf_folder`` parses
every safetensors header against the file size) and then loaded with transformers and
asked for a few tokens before it is registered.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from engine.errors import AirlockError
from engine.jobs import JobContext

KEEP = ("config.json", "generation_config.json", "tokenizer.json", "tokenizer.model", "tokenizer_config.json",
        "special_tokens_map.json", "chat_template.jinja", "vocab.json", "merges.txt",
        "model.safetensors.index.json")


def write_hf_folder(merged_dir: Path, out_dir: Path, ctx: JobContext) -> None:
    """Copy what defines the merged model into ``out_dir`` (which must not exist yet)."""
    weights = sorted(merged_dir.glob("*.safetensors"))
    if not weights:
        raise AirlockError(f"{merged_dir} holds no safetensors weights to export")
    out_dir.mkdir(parents=True)
    names = [n for n in KEEP if (merged_dir / n).is_file()]
    files = [merged_dir / n for n in names] + weights
    for i, f in enumerate(files):
        ctx.step(i / len(files), f"Copying {f.name}")
        shutil.copyfile(f, out_dir / f.name)


def smoke_test_hf(folder: Path) -> str:
    """Load the folder with transformers (offline) and generate a few tokens."""
    from engine.models.registry import inspect_hf_folder

    facts = inspect_hf_folder(folder)
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    model: Any = AutoModelForCausalLM.from_pretrained(str(folder), local_files_only=True, dtype=torch.float32)
    ids = tok("The production line", return_tensors="pt")
    with torch.no_grad():
        out = model.generate(**ids, max_new_tokens=4, do_sample=False, pad_token_id=tok.eos_token_id)
    text = tok.decode(out[0][ids["input_ids"].shape[1]:], skip_special_tokens=True)
    return f"transformers loaded {facts.architecture} ({facts.parameters} parameters) and generated: {text!r}"
