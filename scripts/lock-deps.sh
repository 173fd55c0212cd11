#!/usr/bin/env bash
# Writes the Python lock files from pyproject.toml's ranges, for Linux and Python 3.11-3.13:
#   requirements/dev.txt      the whole tree (runtime and the dev group), with hashes
#   requirements/runtime.txt  the runtime part of it, at the same versions
# Without --upgrade, versions already locked are kept (only what a range change needs moves);
# with --upgrade, every package goes to the newest version its ranges allow. Use
# scripts/upgrade-deps.sh for upgrades: it also runs the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
source scripts/lib/uv.sh

upgrade=()
[ "${1:-}" = "--upgrade" ] && upgrade=(--upgrade)
compile=("$uv" pip compile --quiet --universal --python-version 3.11 --generate-hashes
         --custom-compile-command "bash scripts/lock-deps.sh")
"${compile[@]}" "${upgrade[@]}" --group dev pyproject.toml -o requirements/dev.txt
# The runtime lock is constrained by the full one, so both name the same versions.
"${compile[@]}" -c requirements/dev.txt pyproject.toml -o requirements/runtime.txt
echo "locked: $(grep -c '^[a-z0-9]' requirements/dev.txt) packages (requirements/dev.txt)," \
     "$(grep -c '^[a-z0-9]' requirements/runtime.txt) at run time (requirements/runtime.txt)"
