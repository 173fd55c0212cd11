#!/usr/bin/env bash
# One command from a fresh clone to every test: installs what the tests need, then lint,
# type checks, the import layers (pyproject.toml), the SDK's own tests and the pytest suite
# (real chDB, Redis, uvicorn, Chromium).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
echo "== ruff"
.venv/bin/ruff check .
echo "== mypy"
.venv/bin/mypy
echo "== import layers"
.venv/bin/lint-imports
if [ -f sdk-js/package.json ]; then
  echo "== sdk-js"
  (cd sdk-js && npm test --silent)
fi
echo "== pytest"
# Two workers, whole files per worker (module fixtures stay shared): the suite is mostly
# subprocesses starting and waiting, and fits the 15-minute budget on 2 cores this way.
# Files go to the workers in the order tests/conftest.py gives them (the long ones first),
# not xdist's (most tests first, which left single long files for the end).
# VITALSCOPE_TEST_WORKERS=0 runs it in one process.
exec .venv/bin/python -m pytest -n "${VITALSCOPE_TEST_WORKERS:-2}" --dist loadfile \
  --no-loadscope-reorder "$@"
