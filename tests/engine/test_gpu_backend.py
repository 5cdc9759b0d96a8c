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
