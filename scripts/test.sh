#!/usr/bin/env bash
# The whole test suite: lint, then pytest on SQLite, then on PostgreSQL.
# PostgreSQL comes from TEST_DATABASE_URL when set; otherwise a throw-away server is installed
# (Debian package) and started on loopback, and stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
export FLASK_APP=app:create_app

# Certificates: WeasyPrint needs Pango; the PDF checks use poppler-utils and zbar-tools.
apt_install() {
    echo "installing $* (Debian packages)..." >&2
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
    else
        sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
    fi
}
missing=()
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v zbarimg >/dev/null || missing+=(zbar-tools)
ldconfig -p 2>/dev/null | grep -q libpangoft2 || missing+=(libpangoft2-1.0-0)
# End-to-end journeys: Debian's Chromium, driven by Playwright (never `playwright install`).
command -v chromium >/dev/null || missing+=(chromium)
# The journeys' two font setups (tests/e2e/conftest.py: FONT_DIRS): the system's default, and
# Liberation Sans with DejaVu Sans as the fallback for Kazakh letters.
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/liberation2 ] || [ -d /usr/share/fonts/truetype/liberation ] \
    || missing+=(fonts-liberation2)
# The narrated videos (tests/video/test_narration*.py): Debian's text-to-speech voices.
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
# Shared rate limits across gunicorn workers (tests/ops): a real Redis on loopback.
command -v redis-server >/dev/null || missing+=(redis-server)
# The two-node test (tests/cluster, with the PostgreSQL run): Debian's nginx as the load balancer.
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}" || echo "warning: could not install ${missing[*]}; those checks skip" >&2
fi

# The independent credential verifier (Digital Bazaar's libraries, pinned by package-lock.json).
if command -v node >/dev/null && command -v npm >/dev/null; then
    echo "== npm ci (interop/verifier)"
    npm ci --prefix interop/verifier --no-audit --no-fund --loglevel=error
else
    echo "warning: node/npm not found; the interop verifier tests will skip" >&2
fi

# axe-core for the accessibility scans of the end-to-end journeys.
if command -v npm >/dev/null; then
    echo "== npm ci (tests/e2e)"
    npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
fi

echo "== lint (ruff, the layering contract: docs/decisions/0016-layering.md, and mypy)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports
.venv/bin/mypy

# Throw-away servers started here are stopped on exit, whatever happens.
cleanup=()
trap 'for step in "${cleanup[@]}"; do eval "$step"; done' EXIT

# Redis for the shared rate limits (scripts/redis.sh), unless TEST_REDIS_URL names one.
if [ -z "${TEST_REDIS_URL:-}" ]; then
    redisdir=$(mktemp -d /tmp/tekser-redis.XXXXXX)
    cleanup+=('bash scripts/redis.sh stop "$redisdir"; rm -rf "$redisdir"')
    TEST_REDIS_URL=$(bash scripts/redis.sh start "$redisdir")
    export TEST_REDIS_URL
fi

echo "== tests on SQLite"
env -u TEST_DATABASE_URL .venv/bin/pytest "$@"

# tests/cluster (two gunicorn nodes, a worker, the scheduler, nginx: ADR 0018) skips on SQLite
# and runs once here, with the PostgreSQL suite.
echo "== tests on PostgreSQL (and the two-node test)"
if [ -z "${TEST_DATABASE_URL:-}" ]; then
    pgdir=$(mktemp -d /tmp/tekser-pg.XXXXXX)
    cleanup+=('bash scripts/postgres.sh stop "$pgdir"; rm -rf "$pgdir"')
    TEST_DATABASE_URL=$(bash scripts/postgres.sh start "$pgdir")
    export TEST_DATABASE_URL
fi
.venv/bin/pytest "$@"
