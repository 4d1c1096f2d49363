#!/usr/bin/env bash
# Create the virtual environment, install Tekser (and, with "test", what the tests need),
# and compile the translation catalogs. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "${1:-}" = "test" ]; then
    .venv/bin/python -m pip install --quiet -e ".[test]"
else
    .venv/bin/python -m pip install --quiet -e .
fi
FLASK_APP=app:create_app .venv/bin/flask translate compile >/dev/null
