#!/usr/bin/env bash
# The test command: installs what is missing, checks style, types and the import contract,
# then runs every test (unit, integration on a private PostGIS, API, real clients).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-system-deps.sh --clients
scripts/setup-env.sh

.venv/bin/ruff check gis tiles twin tests benchmarks
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/python -m pytest -ra "$@"
