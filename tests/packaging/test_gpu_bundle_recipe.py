"""The GPU bundle's recipe in packaging/bundle.sh, without downloading it: the pins it resolves and the
CUDA toolkit check that decides between a CUDA and a CPU llama.cpp wheel.

The GPU bundle itself (3 GB of CUDA wheels) is built, installed with no network and run through the
demo loop by `bench/offline_bundle.py bundle DIR --gpu --demo`, on demand (BENCHMARKS.md).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLE_SH = ROOT / "packaging" / "bundle.sh"


def _function(name: str) -> str:
    """One shell function of bundle.sh, as written there."""
    text = BUNDLE_SH.read_text()
    match = re.search(rf"^{name}\(\) \{{\n.*?^\}}\n", text, re.MULTILINE | re.DOTALL)
    assert match, f"{name} not in bundle.sh"
    return match.group(0)


def _pins(lines: str) -> dict[str, list[str]]:
    pins: dict[str, list[str]] = {}
    for line in lines.splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins.setdefault(re.sub(r"[-_.]+", "-", name.lower()), []).append(version)
    return pins


def test_the_gpu_pins_replace_the_cpu_pins_of_the_same_packages_and_keep_the_rest() -> None:
    merged = subprocess.run(["bash", "-c", _function("pins_with_gpu_overrides") + "pins_with_gpu_overrides"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    pins, cpu = _pins(merged), _pins((ROOT / "packaging" / "requirements.txt").read_text())
    gpu = _pins((ROOT / "packaging" / "requirements-gpu.txt").read_text())
    assert all(len(versions) == 1 for versions in pins.values()), "a package pinned twice cannot resolve"
    assert {"unsloth", "unsloth-zoo", "bitsandbytes", "trl", "transformers", "datasets"} <= gpu.keys()
    for name, versions in gpu.items():
        assert pins[name] == versions
    for name, versions in cpu.items():
        if name not in gpu:
            assert pins[name] == versions
    assert pins["trl"] != cpu["trl"]  # unsloth caps trl below the CPU pin: the override is what makes it resolve


def _toolkit_missing(path: str, cuda_home: Path | None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("CUDA_HOME", "CUDA_PATH")}
    env["PATH"] = path
    if cuda_home is not None:
        env["CUDA_HOME"] = str(cuda_home)
    script = _function("nvcc_root") + _function("cuda_toolkit_missing") + "cuda_toolkit_missing"
    return subprocess.run(["/bin/bash", "-c", script], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_a_cuda_build_is_tried_only_with_nvcc_and_cublas_present(tmp_path: Path) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("find", "dirname", "readlink"):
        (tools / tool).symlink_to(subprocess.run(["bash", "-c", f"command -v {tool}"], capture_output=True,
                                                 text=True, check=True).stdout.strip())
    assert _toolkit_missing(str(tools), None) == "nvcc"  # no compiler at all
    nvcc = tools / "nvcc"
    nvcc.write_text("#!/bin/sh\necho 'Cuda compilation tools, release 13.0'\n")
    nvcc.chmod(0o755)
    cuda = tmp_path / "cuda"
    (cuda / "include").mkdir(parents=True)
    (cuda / "lib64").mkdir()
    (cuda / "include" / "cublas_v2.h").write_text("")
    (cuda / "lib64" / "libcublas.so.13").write_text("")
    assert _toolkit_missing(str(tools), cuda) == ""  # nvcc, the cuBLAS header and library: a CUDA build


def test_a_toolkit_without_the_driver_stub_builds_without_cuda_vmm(tmp_path: Path) -> None:
    """pip's nvidia-* wheels and trimmed images carry no libcuda.so stub, which ggml links only for its
    virtual-memory pool: bundle.sh then adds -DGGML_CUDA_NO_VMM=ON instead of failing to link."""
    cuda = tmp_path / "cuda"
    (cuda / "bin").mkdir(parents=True)
    nvcc = cuda / "bin" / "nvcc"
    nvcc.write_text("#!/bin/sh\necho 'Cuda compilation tools, release 13.0'\n")
    nvcc.chmod(0o755)
    env = {"PATH": f"{cuda / 'bin'}:/usr/bin:/bin", "CUDA_HOME": str(cuda)}
    script = _function("nvcc_root") + _function("cuda_driver_stub_missing") + "cuda_driver_stub_missing"

    def missing() -> str:
        return subprocess.run(["/bin/bash", "-c", script], env=env, capture_output=True, text=True,
                              check=True).stdout.strip()

    assert missing() == "libcuda.so"
    (cuda / "lib64" / "stubs").mkdir(parents=True)
    (cuda / "lib64" / "stubs" / "libcuda.so").write_text("")
    assert missing() == ""
    assert "-DGGML_CUDA_NO_VMM=ON" in BUNDLE_SH.read_text()
