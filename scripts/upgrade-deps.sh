#!/usr/bin/env bash
# The one deliberate step that moves dependencies: relock every Python package to the newest
# version pyproject.toml's ranges allow, install exactly that, and run the whole test suite.
# Review `git diff requirements/` and commit the lock only when the tests pass.
# Extra arguments go to pytest. The SDK's npm lock is upgraded with `npm update` in sdk-js/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/lock-deps.sh --upgrade
git --no-pager diff --stat -- requirements/ || true
exec bash scripts/test.sh "$@"
