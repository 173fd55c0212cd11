#!/usr/bin/env bash
# One command from a fresh clone to a running Vitalscope on embedded defaults (chDB and a
# Redis it starts itself, data in ./data), showing itself with the live demo:
#   bash scripts/quickstart.sh                 set up, then `vitalscope demo`
#   bash scripts/quickstart.sh serve [ARGS]    set up, then `vitalscope serve ARGS`
#   bash scripts/quickstart.sh demo [ARGS]     set up, then `vitalscope demo ARGS`
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
command=demo
if [ "${1:-}" = "serve" ] || [ "${1:-}" = "demo" ]; then
  command=$1
  shift
fi
exec .venv/bin/vitalscope "$command" "$@"
