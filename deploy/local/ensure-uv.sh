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
# pip puts the binary in the user scheme's scripts folder (~/.local/bin on Debian), or beside a
# pyenv interpreter whose shims are not rehashed; look in each before giving up.
for dir in "$(python3 -c 'import os, sysconfig; print(sysconfig.get_path("scripts", f"{os.name}_user"))')" \
           "$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')" "$HOME/.local/bin"; do
  if [ -x "$dir/uv" ]; then echo "$dir/uv"; exit 0; fi
done
if command -v uv >/dev/null 2>&1; then command -v uv; exit 0; fi
echo "uv was installed but cannot be found" >&2
exit 1
