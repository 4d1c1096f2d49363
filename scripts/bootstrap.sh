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
