#!/usr/bin/env bash
# Sets up the environment (idempotent) and runs the whole test suite with pytest,
# offline guard on, GUI offscreen. Extra arguments go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash packaging/setup.sh
export QT_QPA_PLATFORM=offscreen
echo "[test] ruff" >&2
.venv/bin/ruff check engine desktop tests bench
echo "[test] mypy (strict on engine)" >&2
.venv/bin/mypy
echo "[test] pytest" >&2
# The suite writes about 25 GB of models and exports into its temporary folders. One fixed base folder,
# which pytest empties at the start of each run, keeps a single run's worth on the disk; pytest's default
# keeps earlier runs beside the new one, and that filled a CI machine's disk (3.0 GiB left).
BASETEMP="${TMPDIR:-/tmp}/airlock-tests-$(id -u)"
exec .venv/bin/python -m pytest --basetemp="$BASETEMP" "$@"
