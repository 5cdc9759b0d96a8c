"""Export a finished run: merged HF folder -> GGUF f16 -> quantized GGUFs.

Each artifact is written into a scratch folder, loaded and smoke-tested, and only
then moved into the blob store and registered with its lineage. A failure or a
cancel removes the scratch folder: no half-written artifact is ever registered.
Every export gets its own scratch folder (``export-*`` in the run folder), so two
exports of the same run (two windows, or the GUI and the CLI) never touch each
other's files.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import AirlockError, NotReady
from engine.jobs import JobContext
from engine.models.convert import convert_to_gguf
from engine.models.service import ArtifactInfo
from engine.training.service import RunInfo

if TYPE_CHECKING:
    from engine.workspace import Workspace

QUANT_TYPES = {"Q8_0": "LLAMA_FTYPE_MOSTLY_Q8_0", "Q5_K_M": "LLAMA_FTYPE_MOSTLY_Q5_K_M",
               "Q4_K_M": "LLAMA_FTYPE_MOSTLY_Q4_K_M"}


@contextlib.contextmanager
def native_output_to(log: Path) -> Iterator[None]:
    """Send what C code prints on stdout/stderr to a log file instead of the terminal."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with open(log, "ab") as fh:
        os.dup2(fh.fileno(), 1)
        os.dup2(fh.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)


def quantize(source: Path, target: Path, level: str, threads: int = 2) -> None:
    """Quantize in an inference process: a native crash there is an error here, not a dead caller."""
    from engine.inference.process import quantize_in_child

    if level not in QUANT_TYPES:
        raise AirlockError(f"unknown quantization {level!r}; choose from {', '.join(QUANT_TYPES)}")
    quantize_in_child(source, target, level, threads)


def quantize_here(source: Path, target: Path, level: str, threads: int) -> None:
    """The quantization itself, in the calling process (the inference process calls this)."""
    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, QUANT_TYPES[level])
    params.nthread = threads
    with native_output_to(target.with_suffix(".log")):
        rc = llama_cpp.llama_model_quantize(str(source).encode(), str(target).encode(), ctypes.byref(params))
    if rc != 0 or not target.is_file():
        raise AirlockError(f"quantizing {source.name} to {level} failed (llama.cpp code {rc})")


def smoke_test(path: Path, lora: Path | None = None) -> str:
    """Load the file with llama.cpp (and the adapter on top, if given) and generate a few tokens."""
    from engine.inference.runtime import LoadedModel

    with LoadedModel(path, n_ctx=256, lora_path=lora) as model:
        text = model.complete("The production line", max_tokens=4)
    return f"loaded and generated: {text!r}"


@dataclass
class _Made:
    label: str
    kind: str
    path: Path
    quantization: str | None
    test: str = ""


def _gguf_files(run: RunInfo, scratch: Path, levels: tuple[str, ...], keep_f16: bool,
                ctx: JobContext) -> list[_Made]:
    f16 = scratch / "model-f16.gguf"
    ctx.step(0.0, "Converting the merged model to GGUF (f16)")
    convert_to_gguf(run.merged_dir, f16, ctx.sub(0.0, 0.6))
    made = [_Made("f16", "gguf", f16, "F16")] if keep_f16 else []
    for i, level in enumerate(levels):
        ctx.step(0.6 + 0.4 * i / max(1, len(levels)), f"Quantizing to {level}")
        target = scratch / f"model-{level}.gguf"
        quantize(f16, target, level)
        made.append(_Made(level, "gguf", target, level))
    return made


def _lora_file(ws: Workspace, run: RunInfo, scratch: Path, ctx: JobContext) -> tuple[_Made, Path]:
    from engine.models.lora_gguf import write_lora_gguf

    base = ws.models.base(run.base_model_id)
    ctx.step(0.0, "Preparing the base model as GGUF" if base.format != "gguf" else "Reading the base GGUF")
    base_gguf = ws.models.gguf_of_base(base.id, ctx.sub(0.0, 0.8))  # a folder base: converted once, cached
    ctx.step(0.8, "Writing the LoRA adapter as GGUF")
    target = scratch / "adapter-lora.gguf"
    write_lora_gguf(run.run_dir / "adapter", base_gguf, target)
    return _Made("lora", "lora_gguf", target, None), base_gguf


def export_run(ws: Workspace, run_id: int, levels: tuple[str, ...] = ("Q8_0",),
               keep_f16: bool = False, ctx: JobContext | None = None, lora: bool = False,
               hf: bool = False) -> list[ArtifactInfo]:
    """Export a finished run; nothing is registered unless every requested artifact was made and
    passed its smoke test. The scratch folder is removed whatever happens."""
    ws.membership.require("expert", "exporting a model")
    from engine.models.hf_export import smoke_test_hf, write_hf_folder

    ctx = ctx or JobContext()
    run = ws.training.get(run_id)
    if run.status != "succeeded":
        raise NotReady(f"training run {run_id} is {run.status}; only a finished run can be exported")
    if not (run.merged_dir / "config.json").is_file():
        raise NotReady(f"training run {run_id} has no merged model folder at {run.merged_dir}")
    for level in levels:
        if level not in QUANT_TYPES:
            raise AirlockError(f"unknown quantization {level!r}; choose from {', '.join(QUANT_TYPES)}")
    scratch = Path(tempfile.mkdtemp(prefix="export-", dir=run.run_dir))
    try:
        made = _gguf_files(run, scratch, levels, keep_f16, ctx.sub(0.0, 0.6)) if levels or keep_f16 else []
        base_for_lora: Path | None = None
        if lora:
            item, base_for_lora = _lora_file(ws, run, scratch, ctx.sub(0.6, 0.65))
            made.append(item)
        if hf:
            ctx.step(0.65, "Writing the Hugging Face safetensors folder")
            write_hf_folder(run.merged_dir, scratch / "hf", ctx.sub(0.65, 0.75))
            made.append(_Made("hf", "hf_folder", scratch / "hf", None))
        for i, item in enumerate(made):
            ctx.step(0.75 + 0.2 * i / max(1, len(made)), f"Smoke-testing {item.label}")
            if item.kind == "hf_folder":
                item.test = smoke_test_hf(item.path)
            elif item.kind == "lora_gguf":
                assert base_for_lora is not None
                item.test = smoke_test(base_for_lora, lora=item.path)
            else:
                item.test = smoke_test(item.path)
        ctx.step(0.95, "Registering the artifacts")
        artifacts = [ws.models.add_artifact(
            name=f"run-{run_id:04d}-{item.label}", kind=item.kind, path=item.path, quantization=item.quantization,
            run_id=run_id, base_model_id=run.base_model_id, smoke_test=item.test) for item in made]
        version = ws.datasets.get(run.dataset_version_id)
        base = ws.models.base(run.base_model_id)
        with ws.unit() as s:
            ws.audit.record(s, "model.exported", f"training_run:{run_id}",
                            {"dataset_version": version.content_hash, "base_model": base.sha256,
                             "artifacts": {a.name: a.sha256 for a in artifacts}})
        ctx.report(1.0, f"Exported {len(artifacts)} artifact(s)")
        return artifacts
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
