"""The llama.cpp build Airlock ships, and how its CPU backend is chosen at run time.

llama-cpp-python is built portably (``GGML_NATIVE=OFF``, ``GGML_BACKEND_DL=ON``,
``GGML_CPU_ALL_VARIANTS=ON``): the core libraries hold only baseline x86-64 code, and the
matrix kernels come as one shared library per micro-architecture level
(``libggml-cpu-x64.so``, ``-haswell``, ``-skylakex``, ``-zen4``, ``-sapphirerapids`` ...).
Each variant library reports a score for the running CPU (0 when the CPU lacks an
instruction the variant needs); llama.cpp would load the best one by itself, but Airlock
loads the one the machine's self-test chose (``engine.inference.selftest``), so a variant
that crashes on this machine is never loaded again.

Loading a backend is done once per process, before the first model is opened; it happens
only in the inference process (``engine.inference.host``), never in the GUI.

A build made with CUDA (``packaging/bundle.sh --gpu``) also ships ``libggml-cuda.so``. It is loaded
the same way, after the CUDA runtime and cuBLAS that pip's nvidia-* packages put in the virtual
environment (``preload_cuda_libraries``): a workstation with the driver but no CUDA toolkit has them
nowhere else. Without them, a driver or a GPU the model runs on the CPU, with the reason reported
(``GpuBackend.note``). Not exercised on a GPU in this project's CI: no GPU.
"""

from __future__ import annotations

import ctypes
import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from engine.errors import AirlockError

VARIANT_PREFIX = "libggml-cpu-"
BASELINE_VARIANT = "x64"
_loaded_variant: str | None = None


@dataclass(frozen=True)
class CpuBackend:
    """What was loaded: the variant's name ('' for a build with the CPU backend built in)."""

    variant: str
    library: Path | None


def lib_dir() -> Path:
    """The folder holding llama-cpp-python's shared libraries (found without importing it)."""
    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or not spec.submodule_search_locations:
        raise AirlockError("llama-cpp-python is not installed: run packaging/setup.sh")
    return Path(next(iter(spec.submodule_search_locations))) / "lib"


def variants(folder: Path | None = None) -> list[str]:
    """The CPU variants shipped with the build, sorted by name (empty for a non-portable build)."""
    folder = folder or lib_dir()
    names = [p.name[len(VARIANT_PREFIX):-3] for p in folder.glob(f"{VARIANT_PREFIX}*.so")]
    return sorted(names)


def variant_library(variant: str, folder: Path | None = None) -> Path:
    if not re.fullmatch(r"[a-z0-9_.]+", variant):
        raise AirlockError(f"{variant!r} is not a CPU variant name")
    path = (folder or lib_dir()) / f"{VARIANT_PREFIX}{variant}.so"
    if not path.is_file():
        raise AirlockError(f"the llama.cpp build has no CPU variant {variant!r} ({path} is missing)")
    return path


def variant_scores(folder: Path | None = None) -> dict[str, int]:
    """Each shipped variant's own score for this CPU (0 = it needs an instruction the CPU lacks).

    Opening a variant library runs none of its kernels; the score function is plain code.
    Call this in a child process all the same (the self-test does): a bad library must not
    take the caller down."""
    folder = folder or lib_dir()
    _open_base_libraries(folder)
    scores: dict[str, int] = {}
    for variant in variants(folder):
        lib = ctypes.CDLL(str(variant_library(variant, folder)))
        score = lib.ggml_backend_score
        score.restype = ctypes.c_int
        scores[variant] = int(score())
    return scores


def best_variant(scores: dict[str, int]) -> str:
    """The variant llama.cpp itself would pick: the highest score above zero."""
    usable = {name: s for name, s in scores.items() if s > 0}
    if not usable:
        raise AirlockError("no CPU variant of the llama.cpp build runs on this CPU")
    return max(sorted(usable), key=lambda name: usable[name])


def load_cpu_backend(variant: str | None) -> CpuBackend:
    """Register llama.cpp's CPU backend in this process: ``variant`` by name, or llama.cpp's own
    best pick when None. A build without variants has its backend built in: nothing to load."""
    global _loaded_variant
    folder = lib_dir()
    if not variants(folder):
        return CpuBackend("", None)
    if _loaded_variant is not None:
        if variant is not None and variant != _loaded_variant:
            raise AirlockError(f"CPU variant {_loaded_variant} is already loaded in this process")
        return CpuBackend(_loaded_variant, variant_library(_loaded_variant, folder))
    chosen = variant or best_variant(variant_scores(folder))
    path = variant_library(chosen, folder)
    ggml = _open_base_libraries(folder)
    load = ggml.ggml_backend_load
    load.restype = ctypes.c_void_p
    load.argtypes = [ctypes.c_char_p]
    if not load(str(path).encode()):
        raise AirlockError(f"llama.cpp refused the CPU variant {chosen!r} on this CPU ({path.name})")
    _loaded_variant = chosen
    return CpuBackend(chosen, path)


GPU_LIBRARY = "libggml-cuda.so"
# What libggml-cuda.so links, in the order they depend on each other (cuBLAS needs cuBLASLt)
CUDA_RUNTIME_LIBRARIES = ("libcudart", "libcublasLt", "libcublas")
GPU_DEVICE_TYPE = 1  # ggml_backend_dev_type: CPU 0, GPU 1


@dataclass(frozen=True)
class GpuBackend:
    """The CUDA backend when it loaded and found a GPU: its device and free memory; else why not."""

    device: str | None
    free_bytes: int
    note: str


def load_gpu_backend(folder: Path | None = None) -> GpuBackend:
    """Register llama.cpp's CUDA backend when the build ships one and the machine can run it."""
    folder = folder or lib_dir()
    path = folder / GPU_LIBRARY
    if not path.is_file():
        return GpuBackend(None, 0, "this llama.cpp build has no CUDA backend (CPU build)")
    ggml = _open_base_libraries(folder)
    preload_cuda_libraries()
    load = ggml.ggml_backend_load
    load.restype, load.argtypes = ctypes.c_void_p, [ctypes.c_char_p]
    if not load(str(path).encode()):
        missing = missing_library(path)
        why = (f"{missing} is not installed (pip's nvidia-* packages or a CUDA toolkit provide it)" if missing
               else "no usable NVIDIA driver or GPU here")
        return GpuBackend(None, 0, f"llama.cpp could not load its CUDA backend ({path}): {why}; "
                                   "the model runs on the CPU")
    ggml.ggml_backend_dev_count.restype = ctypes.c_size_t
    ggml.ggml_backend_dev_get.restype, ggml.ggml_backend_dev_get.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    ggml.ggml_backend_dev_type.restype, ggml.ggml_backend_dev_type.argtypes = ctypes.c_int, [ctypes.c_void_p]
    ggml.ggml_backend_dev_description.restype = ctypes.c_char_p
    ggml.ggml_backend_dev_description.argtypes = [ctypes.c_void_p]
    ggml.ggml_backend_dev_memory.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t),
                                             ctypes.POINTER(ctypes.c_size_t)]
    for i in range(int(ggml.ggml_backend_dev_count())):
        dev = ggml.ggml_backend_dev_get(i)
        if ggml.ggml_backend_dev_type(dev) != GPU_DEVICE_TYPE:
            continue
        free, total = ctypes.c_size_t(0), ctypes.c_size_t(0)
        ggml.ggml_backend_dev_memory(dev, ctypes.byref(free), ctypes.byref(total))
        name = (ggml.ggml_backend_dev_description(dev) or b"GPU").decode(errors="replace")
        return GpuBackend(name, int(free.value), f"CUDA backend loaded: {name}, {free.value / 2**30:.1f} GiB free")
    return GpuBackend(None, 0, "llama.cpp's CUDA backend loaded but found no GPU; the model runs on the CPU")


def cuda_library_dirs(search: list[str] | None = None) -> list[Path]:
    """The library folders of pip's CUDA packages (nvidia-cuda-runtime, nvidia-cublas: what CUDA torch
    installs, in the GPU bundle): ``site-packages/nvidia/cu13/lib`` and the like, on ``sys.path``."""
    found: list[Path] = []
    for entry in search if search is not None else sys.path:
        if not entry or not Path(entry).is_dir():
            continue
        found.extend(lib for lib in sorted(Path(entry).glob("nvidia/*/lib")) if lib.is_dir() and lib not in found)
    return found


def preload_cuda_libraries(search: list[str] | None = None) -> list[Path]:
    """Open the CUDA runtime and cuBLAS from pip's packages, globally, before ``libggml-cuda.so``.

    The CUDA build of llama.cpp looks for ``libcudart.so.13`` and ``libcublas.so.13`` beside itself and in
    the system's folders only; on a workstation with the NVIDIA driver but no CUDA toolkit they exist only
    in the virtual environment, where CUDA torch put them. Once opened, the loader reuses them by name."""
    opened: list[Path] = []
    for folder in cuda_library_dirs(search):
        for stem in CUDA_RUNTIME_LIBRARIES:
            for library in sorted(folder.glob(f"{stem}.so.*")):
                try:
                    ctypes.CDLL(str(library), mode=ctypes.RTLD_GLOBAL)
                except OSError:
                    continue
                opened.append(library)
    return opened


def missing_library(path: Path) -> str | None:
    """The shared library ``path`` needs and the system cannot find ("libcublas.so.13"), if that is why it
    does not open."""
    try:
        ctypes.CDLL(str(path))
    except OSError as exc:
        match = re.match(r"(\S+\.so[.\d]*): cannot open shared object file", str(exc))
        return match.group(1) if match and match.group(1) != str(path) else None
    return None


def _open_base_libraries(folder: Path) -> ctypes.CDLL:
    """libggml-base and libggml, opened globally so a variant library links against them."""
    ctypes.CDLL(str(folder / "libggml-base.so"), mode=ctypes.RTLD_GLOBAL)
    return ctypes.CDLL(str(folder / "libggml.so"), mode=ctypes.RTLD_GLOBAL)


def build_info() -> str:
    """llama.cpp's own system-info line for the loaded backend (features it was built with)."""
    import llama_cpp

    raw = llama_cpp.llama_print_system_info()
    return raw.decode(errors="replace").strip() if isinstance(raw, bytes) else str(raw).strip()
