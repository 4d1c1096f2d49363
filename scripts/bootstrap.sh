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

# `make run` narrates the bundled course's videos in the background (ADR 0020): espeak-ng speaks,
# ffmpeg assembles. Install them from Debian when missing; without them the site still runs,
# with transcripts and no narrated video.
if ! command -v espeak-ng >/dev/null || ! command -v ffmpeg >/dev/null; then
    if command -v apt-get >/dev/null; then
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
        { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            espeak-ng ffmpeg; } >&2 \
            || echo "bootstrap: warning: could not install espeak-ng and ffmpeg; no narrated videos" >&2
    else
        echo "bootstrap: warning: install espeak-ng and ffmpeg for the narrated videos" >&2
    fi
fi
