#!/usr/bin/env bash
# Make .venv and install what the app needs into it (requirements.txt); with `--dev`, also the
# test tools (requirements-dev.txt). Does nothing when the venv is already in step.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
file=requirements.txt
[ "${1:-}" = "--dev" ] && file=requirements-dev.txt
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.$file.sha256
want=$(cat requirements.txt "$file" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$file"
  echo "$want" > "$stamp"
fi
