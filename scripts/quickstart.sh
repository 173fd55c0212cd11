#!/usr/bin/env bash
# One command from a fresh clone to a running Vitalscope on embedded defaults
# (chDB and a Redis it starts itself, data in ./data). Extra arguments go to `vitalscope serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/vitalscope serve "$@"
