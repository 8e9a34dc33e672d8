#!/usr/bin/env bash
# Create the virtual environment with Python 3.13 (as .python-version says), or 3.12 at least.
set -euo pipefail
venv=${1:-.venv}
[ -x "$venv/bin/python" ] && exit 0
for candidate in python3.13 python3.12 python3; do
  if command -v "$candidate" >/dev/null 2>&1 \
     && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    echo "Creating $venv with $("$candidate" --version)"
    "$candidate" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
    exit 0
  fi
done
echo "Python 3.12 or newer is required (3.13 recommended; see .python-version)." >&2
exit 1
