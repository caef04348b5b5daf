#!/usr/bin/env bash
# Print the path of a usable uv, installing it from PyPI when the machine has none.
set -euo pipefail
if command -v uv >/dev/null 2>&1; then command -v uv; exit 0; fi
if [ -x "$HOME/.local/bin/uv" ]; then echo "$HOME/.local/bin/uv"; exit 0; fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "Installing python3-pip from Debian's packages..." >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-pip python3-venv >&2
fi
# Debian's Python is "externally managed" (PEP 668): a user install needs the explicit flag.
python3 -m pip install --user -q uv >&2 2>/dev/null \
  || python3 -m pip install --user -q --break-system-packages uv >&2
if command -v uv >/dev/null 2>&1; then command -v uv; else echo "$HOME/.local/bin/uv"; fi
