"""The tokenizer of a GGUF file, built from what the file itself says.

Training on a GGUF base (the demo model) needs a Hugging Face tokenizer for it. transformers can build
one from a GGUF's vocabulary, but how depends on its version: 5.17.0 (the newest that unsloth allows,
so the GPU installation's) builds SmolLM2's byte-level BPE as a SentencePiece-style one whose
end-of-sequence token is ``<|im_start|>``; a model fine-tuned with it exports a GGUF on which llama.cpp
aborts. For byte-level BPE vocabularies ("gpt2" in the file) with a pre-tokenizer named below, Airlock
builds the tokenizer itself from the tokens, merges, token kinds, special-token ids and chat template
in the file, so training tokenizes as llama.cpp does whatever transformers version is installed.
Anything else (``None`` here) is left to transformers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CONTROL = 3  # llama.cpp's token kind for special tokens (<|im_start|>, <|endoftext|>, ...)
# llama.cpp's pre-tokenizer names whose split is GPT-2's, without and with every digit split apart first.
GPT2_SPLIT = {"gpt-2", "gpt2", "mpt", "olmo", "jais", "default"}
DIGITS_THEN_GPT2_SPLIT = {"smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva"}


def tokenizer_from_gguf(path: Path) -> Any | None:
    """A ``PreTrainedTokenizerFast`` for the GGUF file at ``path``, or None for a kind it does not build."""
    from gguf import GGUFReader
    from tokenizers import AddedToken, Tokenizer, decoders, pre_tokenizers, processors
    from tokenizers.models import BPE
    from transformers import PreTrainedTokenizerFast

    from engine.models.gguf_file import metadata_value

    reader = GGUFReader(str(path))
    pre = metadata_value(reader, "tokenizer.ggml.pre") or "default"
    if metadata_value(reader, "tokenizer.ggml.model") != "gpt2" or pre not in GPT2_SPLIT | DIGITS_THEN_GPT2_SPLIT:
        return None
    tokens: list[str] = metadata_value(reader, "tokenizer.ggml.tokens")
    kinds: list[int] = metadata_value(reader, "tokenizer.ggml.token_type") or [1] * len(tokens)
    merges = [tuple(m.split(" ", 1)) for m in metadata_value(reader, "tokenizer.ggml.merges") or []]
    tokenizer = Tokenizer(BPE(vocab={t: i for i, t in enumerate(tokens)}, merges=merges, fuse_unk=False,
                              byte_fallback=False))
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.pre_tokenizer = (pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), byte_level])
                               if pre in DIGITS_THEN_GPT2_SPLIT else byte_level)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False)
                                  for t, kind in zip(tokens, kinds, strict=True) if kind == CONTROL])

    def token(key: str) -> str | None:
        index = metadata_value(reader, f"tokenizer.ggml.{key}_token_id")
        return tokens[index] if index is not None and 0 <= index < len(tokens) else None

    eos = token("eos")
    return PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=tokenizer, bos_token=token("bos"), eos_token=eos, unk_token=token("unknown"),
        pad_token=token("padding") or eos, chat_template=metadata_value(reader, "tokenizer.chat_template"))


def align_special_ids(model: Any, tokenizer: Any) -> None:
    """The model's config and generation config name the tokenizer's bos, eos and pad ids (transformers may
    read other ids from a GGUF than the file says)."""
    for config in (model.config, getattr(model, "generation_config", None)):
        if config is None:
            continue
        for name in ("bos", "eos", "pad"):
            value = getattr(tokenizer, f"{name}_token_id")
            if value is not None:
                setattr(config, f"{name}_token_id", value)
