"""The base model registry on real files: the demo GGUF, the demo model as a Hugging Face folder
(its dequantized copy), and deliberately broken copies of both."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from engine.blobs import sha256_file
from engine.errors import InputFileError
from engine.models.registry import inspect_model, safetensors_parameters
from engine.paths import demo_model_path
from engine.workspace import Workspace

DEMO_SHAPE = {"hidden_size": 576, "num_layers": 30, "intermediate_size": 1536, "num_heads": 9, "num_kv_heads": 3,
              "vocab_size": 49152}
DEMO_PARAMETERS = 134_515_008


def test_safetensors_size_is_checked_against_its_header(tmp_path: Path) -> None:
    import numpy as np
    from safetensors.numpy import save_file

    good = tmp_path / "model.safetensors"
    save_file({"a": np.zeros((3, 4), dtype=np.float32), "b": np.ones(5, dtype=np.float16)}, str(good))
    assert safetensors_parameters(good) == 17
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(good.read_bytes()[:-10])
    with pytest.raises(InputFileError, match=r"cut.safetensors: truncated: tensor data needs \d+ bytes"):
        safetensors_parameters(cut)
    stub = tmp_path / "stub.safetensors"
    stub.write_bytes(good.read_bytes()[:20])
    with pytest.raises(InputFileError, match="truncated or not a safetensors file"):
        safetensors_parameters(stub)


@pytest.mark.slow
def test_demo_gguf_is_registered_with_its_facts_and_a_truncated_copy_is_refused(
        workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from engine.cli import main

    demo = workspace.models.ensure_demo_model()
    path = demo_model_path()
    assert path is not None
    assert (demo.format, demo.architecture, demo.parameters, demo.context_length) == ("gguf", "llama",
                                                                                      DEMO_PARAMETERS, 8192)
    assert demo.sha256 == sha256_file(path)
    assert demo.chat_template and "<|im_start|>" in demo.chat_template
    assert demo.shape == DEMO_SHAPE and demo.size_bytes == path.stat().st_size
    assert workspace.models.ensure_demo_model().id == demo.id  # idempotent
    event = workspace.audit.entries(action="model.base_registered")[0]
    assert event.details["sha256"] == demo.sha256 and event.details["parameters"] == DEMO_PARAMETERS

    truncated = tmp_path / "cut.gguf"
    with open(path, "rb") as src:
        truncated.write_bytes(src.read(path.stat().st_size // 2))
    with pytest.raises(InputFileError, match=r"cut.gguf: .*truncated"):
        workspace.models.register_base(truncated)
    not_gguf = tmp_path / "notes.gguf"
    not_gguf.write_text("hello")
    assert main(["models", "register", "-w", str(workspace.root), str(not_gguf)]) == 2
    assert "wrong magic bytes" in capsys.readouterr().err
    assert main(["models", "list", "-w", str(workspace.root)]) == 0
    out = capsys.readouterr().out
    assert "SmolLM2-135M-Instruct (demo)  [gguf, llama, 134.5M params, context 8,192, chat template]" in out
    assert len(workspace.models.bases()) == 1


@pytest.fixture(scope="module")
def demo_folder() -> Path:
    """The demo model as a Hugging Face folder (config.json, model.safetensors, tokenizer.json,
    chat_template.jinja): the dequantized copy training uses, built once and cached."""
    from engine.training.backends.trl_peft import dequantized_copy

    path = demo_model_path()
    assert path is not None
    return dequantized_copy(path, sha256_file(path))


def _copy(folder: Path, target: Path, skip: tuple[str, ...] = ()) -> Path:
    """A copy that links the big weights file and copies the small ones."""
    target.mkdir()
    for f in folder.iterdir():
        if f.name in skip:
            continue
        if f.suffix == ".safetensors":
            (target / f.name).symlink_to(f)
        else:
            shutil.copy(f, target / f.name)
    return target


@pytest.mark.slow
def test_hugging_face_folder_is_registered_and_broken_folders_are_named(
        workspace: Workspace, demo_folder: Path, tmp_path: Path) -> None:
    model = workspace.models.register_base(_copy(demo_folder, tmp_path / "smollm2-hf"))
    assert (model.name, model.format, model.architecture) == ("smollm2-hf", "hf", "llama")
    assert (model.parameters, model.context_length, model.shape) == (DEMO_PARAMETERS, 8192, DEMO_SHAPE)
    assert model.chat_template and "<|im_start|>" in model.chat_template
    assert len(model.sha256) == 64 and model.sha256 != sha256_file(demo_folder / "model.safetensors")

    with pytest.raises(InputFileError, match=r"no-config: not a model folder: no config\.json"):
        inspect_model(_copy(demo_folder, tmp_path / "no-config", skip=("config.json",)))
    typeless = _copy(demo_folder, tmp_path / "typeless")
    config = json.loads((typeless / "config.json").read_text())
    del config["model_type"]
    (typeless / "config.json").write_text(json.dumps(config))
    with pytest.raises(InputFileError, match=r"config\.json: no model_type"):
        inspect_model(typeless)
    with pytest.raises(InputFileError, match=r"no-weights: no \*.safetensors weight files"):
        inspect_model(_copy(demo_folder, tmp_path / "no-weights", skip=("model.safetensors",)))
    with pytest.raises(InputFileError, match="no tokenizer"):
        inspect_model(_copy(demo_folder, tmp_path / "no-tokenizer", skip=("tokenizer.json",)))
    cut = _copy(demo_folder, tmp_path / "cut", skip=("model.safetensors",))
    with open(demo_folder / "model.safetensors", "rb") as src:
        (cut / "model.safetensors").write_bytes(src.read(5_000_000))
    with pytest.raises(InputFileError, match=r"model.safetensors: truncated: tensor data needs 538090408 bytes"):
        workspace.models.register_base(cut)
    with pytest.raises(InputFileError, match=r"not a model: give a \.gguf file or a Hugging Face model folder"):
        inspect_model(demo_folder / "config.json")
    assert [m.name for m in workspace.models.bases()] == ["smollm2-hf"]
