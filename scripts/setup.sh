#!/usr/bin/env bash
# Installs what Vitalscope needs on a fresh Debian machine: the system packages that are
# missing (Python venv support, Node.js, Chromium for synthetic checks and browser tests),
# a virtual environment in .venv with the project at the locked versions, and the browser SDK
# build.
#   scripts/setup.sh          what `vitalscope serve` needs
#   scripts/setup.sh --dev    plus the test and lint tools, and for the tests Alertmanager,
#                             Firefox and WebKit (with its WebDriver and Xvfb) and the Node
#                             driver of Firefox (tests/support/firefox/)
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "error: Vitalscope needs Python 3.11 or newer as '$python' (set PYTHON=...)" >&2
  exit 1
fi

missing=()
"$python" -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)
# The alerting tests post to a real Alertmanager (tests/alerting/alertmanager.py).
[ "$dev" = 1 ] && ! command -v prometheus-alertmanager >/dev/null 2>&1 \
  && missing+=(prometheus-alertmanager)
# The SDK's browser tests also run in Firefox and WebKit (tests/e2e/sdk/test_sdk_engines.py).
if [ "$dev" = 1 ]; then
  [ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null 2>&1 || missing+=(webkit2gtk-driver)
  command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# Exactly the locked versions (requirements/*.txt, written by scripts/lock-deps.sh), hashes
# checked; `pip sync` also removes whatever the lock does not name. Bytecode is compiled at
# install: where PYTHONDONTWRITEBYTECODE is set nothing else writes it, and then every process
# (each `vitalscope serve` and CLI call of the tests) compiled its imports again, ~4 s of CPU.
source scripts/lib/uv.sh
lock=requirements/runtime.txt
[ "$dev" = 1 ] && lock=requirements/dev.txt
if [ ! -x .venv/bin/python ]; then
  "$uv" venv --quiet --python "$python" .venv
fi
echo "Installing Vitalscope into .venv ($lock)"
"$uv" pip sync --quiet --python .venv/bin/python --require-hashes --compile-bytecode "$lock"
# The project itself, editable, built with the locked setuptools (no unpinned build env).
"$uv" pip install --quiet --python .venv/bin/python --no-deps --no-build-isolation -e .
.venv/bin/python -c 'import vitalscope' # fails loudly if the install did not work

if [ -f sdk-js/package.json ]; then
  echo "Building the browser SDK"
  (cd sdk-js && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
fi
# The dashboard's Plotly bundle (dashboard/web/plotly_bundle.py), exactly as locked.
echo "Installing the dashboard's browser libraries"
(cd dashboard/web/vendor && npm ci --no-audit --no-fund --loglevel=error)

# puppeteer-core, which drives Firefox over WebDriver BiDi for the tests (it downloads no
# browser: the tests use Debian's firefox-esr).
if [ "$dev" = 1 ]; then
  echo "Installing the Firefox test driver"
  (cd tests/support/firefox && npm ci --no-audit --no-fund --loglevel=error)
fi
