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
exec .venv/bin/python -m pytest "$@"
