"""Export of a real trained run (the session's `airlock demo --quick` workspace, copied once for this
module; the demo already exported Q8_0): f16 kept plus Q5_K_M and Q4_K_M quantized, the GGUF LoRA
adapter loads on the base GGUF in llama.cpp and answers like the merged model, the HF folder loads
with transformers, every artifact is hashed and registered with lineage, and a failed or cancelled
export leaves nothing behind."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from engine.blobs import sha256_file
from engine.errors import AirlockError
from engine.jobs import Cancelled, JobContext
from engine.models.service import ArtifactInfo
from engine.workspace import Workspace
from tests.conftest import TrainedDemo

pytestmark = pytest.mark.slow

PROMPTS = ["On Line 2, press 4: a fuse in the control cabinet blew twice this shift.",
           "On the paint shop: the hydraulic hose on the lift is leaking oil.",
           "The HMI freezes after the last firmware update; the PLC program has to be reloaded.",
           "The conveyor belt bearing is worn and makes a grinding noise."]


@pytest.fixture(scope="module")
def exported(trained_demo: TrainedDemo, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[tuple[Workspace, int, list[ArtifactInfo]]]:
    root = tmp_path_factory.mktemp("export") / "ws"
    shutil.copytree(trained_demo.root, root)
    ws = Workspace.open(root)
    from engine.models.export import export_run

    steps: list[tuple[float, str]] = []
    run_id = int(trained_demo.result["run_id"])
    arts = export_run(ws, run_id, ("Q5_K_M", "Q4_K_M"), keep_f16=True,
                      ctx=JobContext(progress=lambda f, m: steps.append((f, m))), lora=True, hf=True)
    assert [f for f, _ in steps] == sorted(f for f, _ in steps) and steps[-1][0] == 1.0
    messages = " | ".join(m for _, m in steps)
    for phase in ("GGUF (f16)", "Quantizing to Q5_K_M", "Quantizing to Q4_K_M", "Smoke-testing", "Registering"):
        assert phase in messages
    yield ws, run_id, arts
    ws.close()


def _by_kind(arts: list[ArtifactInfo], kind: str) -> ArtifactInfo:
    return next(a for a in arts if a.kind == kind)


def test_every_artifact_is_hashed_smoke_tested_and_has_lineage(
        exported: tuple[Workspace, int, list[ArtifactInfo]]) -> None:
    from engine.models.gguf_file import read_gguf
    from engine.models.registry import inspect_hf_folder

    ws, run_id, arts = exported
    assert sorted(a.kind for a in arts) == ["gguf", "gguf", "gguf", "hf_folder", "lora_gguf"]
    ggufs = {a.quantization: a for a in arts if a.kind == "gguf"}
    # llama.cpp's file types: F16 = 1, Q4_K_M = 15, Q5_K_M = 17; quantizing really shrinks the file
    assert {q: read_gguf(a.path).file_type for q, a in ggufs.items()} == {"F16": 1, "Q5_K_M": 17, "Q4_K_M": 15}
    assert ggufs["F16"].size_bytes > ggufs["Q5_K_M"].size_bytes > ggufs["Q4_K_M"].size_bytes
    for a in arts:
        digest = inspect_hf_folder(a.path).sha256 if a.kind == "hf_folder" else sha256_file(a.path)
        assert digest == a.sha256 and a.run_id == run_id and a.base_model_id is not None
    run = ws.training.get(run_id)
    details = ws.audit.entries(action="model.exported")[0].details  # newest first; the demo exported before
    assert details["dataset_version"] == ws.datasets.get(run.dataset_version_id).content_hash
    assert details["base_model"] == ws.models.base(run.base_model_id).sha256
    assert set(details["artifacts"].values()) == {a.sha256 for a in arts}
    registered = {e.details["sha256"]: e.details for e in ws.audit.entries(action="model.artifact_registered")}
    assert all("generated" in str(registered[a.sha256]["smoke_test"]) for a in arts)  # each was loaded and ran
    assert not list(run.run_dir.glob("export-*"))  # each export removed its own scratch folder


def test_lora_adapter_loads_on_the_base_gguf_and_answers_like_the_merged_model(
        exported: tuple[Workspace, int, list[ArtifactInfo]]) -> None:
    from gguf import GGUFReader

    from engine.inference.classify import Classifier
    from engine.inference.runtime import LoadedModel
    from engine.tasks.prompt import PromptFormat

    ws, run_id, arts = exported
    lora = _by_kind(arts, "lora_gguf")
    merged = next(a for a in arts if a.quantization == "F16")
    reader = GGUFReader(str(lora.path))
    assert reader.fields["general.type"].contents() == "adapter"
    assert reader.fields["adapter.type"].contents() == "lora"
    assert reader.fields["adapter.lora.alpha"].contents() > 0
    names = {t.name for t in reader.tensors}
    assert "blk.0.attn_q.weight.lora_a" in names and "blk.0.attn_q.weight.lora_b" in names
    base = ws.models.base(ws.training.get(run_id).base_model_id)
    task = ws.tasks.find("Fault report triage")
    assert task is not None
    fmt = PromptFormat(task.system_prompt, task.user_template, base.chat_template or "")
    results = {}
    for name, path, adapter in (("lora", base.path, lora.path), ("merged", merged.path, None),
                                ("base", base.path, None)):
        with LoadedModel(path, n_ctx=512, lora_path=adapter) as model:
            clf = Classifier(model, fmt, task.labels)
            results[name] = [clf.classify(p) for p in PROMPTS]
    for a, m in zip(results["lora"], results["merged"], strict=True):
        assert a.label == m.label
        assert max(abs(a.distribution[k] - m.distribution[k]) for k in task.labels) < 0.1
    # the adapter really changes the base model (q/k rows permuted right, or it would not match merged)
    assert [r.label for r in results["lora"]] != [r.label for r in results["base"]] or any(
        abs(a.confidence - b.confidence) > 0.2 for a, b in zip(results["lora"], results["base"], strict=True))


def test_hf_folder_loads_with_transformers(exported: tuple[Workspace, int, list[ArtifactInfo]]) -> None:
    from transformers import AutoConfig, AutoTokenizer

    _ws, _run_id, arts = exported
    folder = _by_kind(arts, "hf_folder").path
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {p.name for p in folder.iterdir()}
    assert AutoConfig.from_pretrained(str(folder), local_files_only=True).model_type == "llama"
    tok = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    assert tok.chat_template and "<|im_start|>" in tok.apply_chat_template(
        [{"role": "user", "content": "hi"}], tokenize=False)
    from engine.models.hf_export import smoke_test_hf

    assert "transformers loaded llama" in smoke_test_hf(folder)


def test_cli_export_writes_the_lora_adapter_and_prints_its_hash(
        exported: tuple[Workspace, int, list[ArtifactInfo]], capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from engine.cli import main

    ws, run_id, arts = exported
    assert main(["export", str(run_id), "--quant", "", "--lora", "--json", "--quiet",
                 "--workspace", str(ws.root)]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["kind"] == "lora_gguf" and row["sha256"] == _by_kind(arts, "lora_gguf").sha256  # deterministic
    assert ws.models.artifact(row["id"]).run_id == run_id
    assert main(["export", str(run_id), "--quant", "", "--workspace", str(ws.root)]) == 2
    assert "nothing to export" in capsys.readouterr().err


def test_failed_or_cancelled_export_leaves_no_artifact_and_says_why(
        exported: tuple[Workspace, int, list[ArtifactInfo]]) -> None:
    from engine.models.export import export_run

    ws, run_id, _arts = exported
    run = ws.training.get(run_id)
    before = (len(ws.models.artifacts()), sorted(p.name for p in (ws.root / "blobs").rglob("*")))
    with pytest.raises(Cancelled):
        export_run(ws, run_id, ("Q4_K_M",), ctx=JobContext(cancelled=lambda: True))
    weights = run.merged_dir / "model.safetensors"
    saved = weights.read_bytes()
    try:
        weights.write_bytes(saved[: len(saved) // 3])  # a corrupt input: truncated weights
        with pytest.raises(AirlockError, match=r"GGUF conversion of .* failed"):
            export_run(ws, run_id, ("Q4_K_M",), lora=True)
    finally:
        weights.write_bytes(saved)
    after = (len(ws.models.artifacts()), sorted(p.name for p in (ws.root / "blobs").rglob("*")))
    assert after == before
    assert not list(run.run_dir.glob("export-*"))  # each export removed its own scratch folder


def test_two_exports_of_one_run_at_once_each_keep_their_own_scratch_folder(
        exported: tuple[Workspace, int, list[ArtifactInfo]]) -> None:
    """Two app instances (here two threads, each with its own workspace connection) export the same
    run at the same time; another export's scratch folder, found on the way, is left alone."""
    import threading

    from engine.models.export import export_run

    ws, run_id, _arts = exported
    run = ws.training.get(run_id)
    other = run.run_dir / "export-another-instance"
    other.mkdir()
    (other / "model-f16.gguf").write_bytes(b"half written by another export")
    results: dict[str, list[ArtifactInfo]] = {}
    errors: list[BaseException] = []

    def export(label: str) -> None:
        mine = Workspace.open(ws.root)
        try:
            results[label] = export_run(mine, run_id, ("Q8_0",))
        except BaseException as exc:
            errors.append(exc)
        finally:
            mine.close()

    threads = [threading.Thread(target=export, args=(label,)) for label in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    first, second = results["first"][0], results["second"][0]
    assert first.id != second.id and first.sha256 == second.sha256  # both finished, same file
    assert ws.blobs.path_for(first.sha256).is_file()
    assert (other / "model-f16.gguf").read_bytes() == b"half written by another export"
    assert sorted(p.name for p in run.run_dir.glob("export-*")) == [other.name]
    shutil.rmtree(other)
