"""The CUDA backend is used when the llama.cpp build ships one and the machine can run it.

No GPU exists here, so only the two ways it is *not* used are exercised for real: a CPU build (no
``libggml-cuda.so``: the model loads with no layers offloaded and says so) and a CUDA library that
cannot be loaded (here a file that is not a library, as a CUDA build on a machine without the
NVIDIA driver fails the same ``ggml_backend_load``): the reason names the library and the model
runs on the CPU. The offload plan itself is tested in test_hardware.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from engine.inference.native import GPU_LIBRARY, lib_dir, load_gpu_backend
from engine.inference.runtime import LoadedModel
from engine.paths import demo_model_path

ROOT = Path(__file__).resolve().parents[2]


def test_a_cpu_build_loads_the_model_with_no_layers_on_a_gpu() -> None:
    assert not (lib_dir() / GPU_LIBRARY).exists()  # the build setup.sh makes
    gpu = load_gpu_backend()
    assert gpu.device is None and gpu.free_bytes == 0 and "no CUDA backend" in gpu.note
    with LoadedModel(demo_model_path(), n_threads=2) as model:
        model.generate("Hello", max_tokens=1)
        assert model.backend["offload"] == "CPU (llama.cpp, no layers on a GPU)"
        assert "no CUDA backend" in model.backend["gpu"]


def test_a_cuda_library_that_cannot_load_falls_back_to_the_cpu_naming_it(tmp_path: Path) -> None:
    for name in ("libggml-base.so", "libggml.so"):
        (tmp_path / name).symlink_to(lib_dir() / name)
    (tmp_path / GPU_LIBRARY).write_bytes(b"not a shared library")
    code = ("import json, sys; from pathlib import Path; from engine.inference.native import load_gpu_backend; "
            "g = load_gpu_backend(Path(sys.argv[1])); print(json.dumps([g.device, g.free_bytes, g.note]))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    device, free, note = json.loads(done.stdout.strip().splitlines()[-1])
    assert device is None and free == 0
    assert "could not load its CUDA backend" in note and str(tmp_path / GPU_LIBRARY) in note
    assert "runs on the CPU" in note


def test_doctor_says_on_a_gpu_machine_whether_llama_cpp_can_use_the_gpu() -> None:
    from engine.doctor import check_llama_cuda

    check = check_llama_cuda()  # this build is the CPU one setup.sh makes
    assert check.status == "warning" and "CPU build" in check.detail and "bundle.sh --gpu" in check.detail


def _shared_library(folder: Path, file: str, soname: str, needs: Path | None = None) -> Path:
    """A real (empty) shared library built with gcc, named ``soname`` inside, linked to ``needs``."""
    source = folder / f"{file}.c"
    source.write_text("int airlock_probe(void) { return 1; }\n")
    command = ["gcc", "-shared", "-fPIC", "-o", str(folder / file), str(source), f"-Wl,-soname,{soname}"]
    if needs is not None:
        command += [f"-L{needs.parent}", "-Wl,--no-as-needed", f"-l:{needs.name}"]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return folder / file


def _gpu_backend_in_child(folder: Path, site: Path) -> tuple[list[str], str | None, str]:
    code = ("import json, sys; from pathlib import Path; from engine.inference import native; "
            "opened = native.preload_cuda_libraries([sys.argv[2]]); "
            "missing = native.missing_library(Path(sys.argv[1]) / native.GPU_LIBRARY); "
            "g = native.load_gpu_backend(Path(sys.argv[1])); "
            "print(json.dumps([[str(p) for p in opened], missing, g.note]))")
    done = subprocess.run([sys.executable, "-c", code, str(folder), str(site)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    opened, missing, note = json.loads(done.stdout.strip().splitlines()[-1])
    return opened, missing, note


def test_a_cuda_backend_missing_cublas_names_it_and_pips_copy_is_opened_first(tmp_path: Path) -> None:
    """A CUDA build links libcublas.so.13, which a workstation with only the NVIDIA driver has nowhere but
    in the virtual environment (pip's nvidia-cublas, under site-packages/nvidia/cu13/lib)."""
    folder, site, build = tmp_path / "llama_cpp_lib", tmp_path / "site-packages", tmp_path / "build"
    for made in (folder, build, site / "nvidia" / "cu13" / "lib"):
        made.mkdir(parents=True)
    for name in ("libggml-base.so", "libggml.so"):
        (folder / name).symlink_to(lib_dir() / name)
    # a cuBLAS of a version no machine has, so that a CUDA toolkit installed here changes nothing
    cublas = _shared_library(build, "libcublas.so.99", "libcublas.so.99")
    _shared_library(folder, GPU_LIBRARY, GPU_LIBRARY, needs=cublas)
    cublas.unlink()

    opened, missing, note = _gpu_backend_in_child(folder, site)  # no cuBLAS anywhere
    assert opened == [] and missing == "libcublas.so.99"
    assert "libcublas.so.99 is not installed" in note and "runs on the CPU" in note

    pip_copy = _shared_library(site / "nvidia" / "cu13" / "lib", "libcublas.so.99", "libcublas.so.99")
    opened, missing, note = _gpu_backend_in_child(folder, site)  # pip's copy, opened before the backend
    assert opened == [str(pip_copy)] and missing is None
    assert "libcublas.so.99" not in note  # it loads now; this stand-in has no backend inside, so no GPU
