#!/usr/bin/env bash
# The whole test suite: lint, then pytest on SQLite, then on PostgreSQL.
# PostgreSQL comes from TEST_DATABASE_URL when set; otherwise a throw-away server is installed
# (Debian package) and started on loopback, and stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
export FLASK_APP=app:create_app

echo "== lint (ruff)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== tests on SQLite"
env -u TEST_DATABASE_URL .venv/bin/pytest "$@"

echo "== tests on PostgreSQL"
if [ -z "${TEST_DATABASE_URL:-}" ]; then
    pgdir=$(mktemp -d /tmp/tekser-pg.XXXXXX)
    trap 'bash scripts/postgres.sh stop "$pgdir"; rm -rf "$pgdir"' EXIT
    TEST_DATABASE_URL=$(bash scripts/postgres.sh start "$pgdir")
    export TEST_DATABASE_URL
fi
.venv/bin/pytest "$@"
