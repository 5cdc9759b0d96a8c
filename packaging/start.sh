#!/usr/bin/env bash
# Sets up the environment (idempotent) and starts the desktop app on the demo
# workspace (created on first start from the corpus in resources/demo/).
# Extra arguments go to `airlock gui`, e.g. --workspace DIR instead of the demo.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash packaging/setup.sh
if [ "$#" -eq 0 ]; then set -- --demo; fi
exec .venv/bin/airlock gui "$@"
