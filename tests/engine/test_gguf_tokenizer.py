"""A GGUF base's tokenizer is built from the file and tokenizes exactly as llama.cpp does, whatever
transformers version is installed (5.17.0, the GPU installation's, built the demo model's wrongly)."""

from __future__ import annotations

from pathlib import Path

from engine.models.gguf_tokenizer import align_special_ids, tokenizer_from_gguf
from engine.paths import demo_model_path

TEXTS = [
    "In 2024 we paid 1,234.50 EUR for 3 pallets.",
    "Grüße aus Köln — naïve café 😀",
    "  leading spaces\n\n\ttabs  and   runs ",
    "<|im_start|>user\nIs order 77 late?<|im_end|>\n<|im_start|>assistant\n",
    "Łódź, Žižkov, Ελλάδα, Москва, 東京",
    "def f(x):\n    return x**2  # squared\n",
]


def test_the_demo_models_tokenizer_matches_llama_cpp_token_for_token() -> None:
    # llama.cpp in the inference process, as the product runs it: loading it into the test process without
    # its CPU backend would leave that process unable to load a model later
    from engine.inference.runtime import LoadedModel

    tokenizer = tokenizer_from_gguf(demo_model_path())
    assert tokenizer is not None
    with LoadedModel(demo_model_path(), n_ctx=256) as llama:
        for text in TEXTS:
            ours = tokenizer(text, add_special_tokens=False)["input_ids"]
            assert ours == llama.tokenize(text, add_bos=False), text
            assert tokenizer.decode(ours) == text


def test_special_tokens_and_chat_template_come_from_the_file() -> None:
    from gguf import GGUFReader

    tokenizer = tokenizer_from_gguf(demo_model_path())
    assert tokenizer is not None
    assert (tokenizer.bos_token, tokenizer.eos_token, tokenizer.pad_token, tokenizer.unk_token) == (
        "<|im_start|>", "<|im_end|>", "<|im_end|>", "<|endoftext|>")
    assert (tokenizer.bos_token_id, tokenizer.eos_token_id) == (1, 2)  # as tokenizer.ggml.*_token_id say
    reader = GGUFReader(str(demo_model_path()))
    assert tokenizer.chat_template == reader.fields["tokenizer.chat_template"].contents()
    assert tokenizer.convert_ids_to_tokens(2) == "<|im_end|>"


def test_a_kind_it_does_not_build_is_left_to_transformers(tmp_path: Path) -> None:
    from gguf import GGUFWriter

    path = tmp_path / "spm.gguf"
    writer = GGUFWriter(str(path), "llama")
    writer.add_tokenizer_model("llama")  # SentencePiece: not built here
    writer.add_token_list(["<unk>", "<s>", "</s>", "▁a"])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    assert tokenizer_from_gguf(path) is None


def test_the_models_special_ids_follow_the_tokenizer() -> None:
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = tokenizer_from_gguf(demo_model_path())
    model = LlamaForCausalLM(LlamaConfig(vocab_size=49152, hidden_size=16, intermediate_size=32,
                                         num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1,
                                         bos_token_id=1, eos_token_id=1, pad_token_id=1))
    align_special_ids(model, tokenizer)
    assert (model.config.bos_token_id, model.config.eos_token_id, model.config.pad_token_id) == (1, 2, 2)
    assert model.generation_config.eos_token_id == 2
