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
# Video processing (app/video) runs Debian's ffmpeg: install it when missing, with sudo if not
# root. Without it the site still runs; the console says videos cannot be processed.
if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
    echo "bootstrap: installing Debian's ffmpeg for video processing" >&2
    if [ "$(id -u)" = 0 ]; then
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg; } >&2 \
            || echo "warning: could not install ffmpeg; videos will not be processed" >&2
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        { sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg; } >&2 \
            || echo "warning: could not install ffmpeg; videos will not be processed" >&2
    else
        echo "warning: ffmpeg is missing and cannot be installed without root (apt-get install ffmpeg); videos will not be processed" >&2
    fi
fi
for lang in kk ru; do
    if [ ! -f "app/translations/$lang/LC_MESSAGES/messages.mo" ]; then
        echo "bootstrap: the install did not compile the $lang catalog" >&2
        exit 1
    fi
done
