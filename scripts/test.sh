#!/usr/bin/env bash
# README command 2 (and CI): set up, lint, then run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PREFECT_HOME="${PREFECT_HOME:-$(mktemp -d)}"
export PREFECT_SERVER_ANALYTICS_ENABLED=false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=90
python3 -m ruff check .
python3 -m ruff format --check .
# Two processes, a test file each at a time (its module fixtures run once); conftest.py gives each
# its own Prefect home. `-n 0` runs everything in this one process.
exec python3 -m pytest -q -n 2 --dist loadfile "$@"
