# Sourced by the setup and lock scripts: puts the uv that pyproject.toml pins
# ([tool.uv] required-version) in $uv, installing it into .tools/uv when it is missing.
# Expects $python (a Python >= 3.11) and the repository root as the working directory.
uv_version=$("$python" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["tool"]["uv"]["required-version"].lstrip("="))')
export UV_PYTHON_DOWNLOADS=never  # use the machine's Python, never a downloaded one

_uv_is_pinned() { [ -x "$1" ] && [ "$("$1" --version 2>/dev/null | cut -d' ' -f2)" = "$uv_version" ]; }

uv=$(command -v uv || true)
if ! _uv_is_pinned "$uv"; then
  uv=.tools/uv/bin/uv
  if ! _uv_is_pinned "$uv"; then
    echo "Installing uv $uv_version into .tools/uv"
    rm -rf .tools/uv
    "$python" -m venv .tools/uv
    .tools/uv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$uv_version"
  fi
fi
