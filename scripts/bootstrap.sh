#!/usr/bin/env bash
# Create the virtual environment and install Tekser (and, with "test", what the tests need).
# The install compiles the translation catalogs (setup.py), as every other install does.
# Safe to run again.
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
for lang in kk ru; do
    if [ ! -f "app/translations/$lang/LC_MESSAGES/messages.mo" ]; then
        echo "bootstrap: the install did not compile the $lang catalog" >&2
        exit 1
    fi
done
