#!/usr/bin/env bash
# README command 1: set up, then convert everything in inputs/ (the bundled sample) into outputs/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec python3 -m flows.cli run "$@"
