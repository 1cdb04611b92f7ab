#!/usr/bin/env bash
# Create .venv with the project and its test tools at the versions of requirements.lock,
# node_modules (CesiumJS, glTF validator) at those of package-lock.json, and compile the
# CesiumGS 3d-tiles-validator shipped as source in third_party/ (see its PROVENANCE.md).
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# the exact versions CI tested (requirements.lock), then the project itself without resolving
stamp=.venv/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r requirements.lock
  .venv/bin/pip install -q --no-deps -e .
  touch "$stamp"
fi
if [ ! -d node_modules/cesium ] || [ package.json -nt node_modules ]; then
  npm install --no-audit --no-fund --loglevel=error
  touch node_modules
fi
validator=third_party/3d-tiles-validator
if [ ! -f "$validator/build/main.js" ] \
    || [ -n "$(find "$validator/src" "$validator/tsconfig.json" package-lock.json \
                 -newer "$validator/build/main.js" -print -quit)" ]; then
  node_modules/.bin/tsc -p "$validator"
fi
