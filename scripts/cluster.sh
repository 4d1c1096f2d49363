#!/usr/bin/env bash
# The two-node test on its own (`make test-cluster`): two gunicorn web nodes, a job worker and
# the scheduler, started from deploy/ behind Debian's nginx, on PostgreSQL and Redis, all on
# loopback (tests/cluster/, ADR 0018). Under two minutes. scripts/test.sh runs it too.
# PostgreSQL comes from TEST_DATABASE_URL when set; otherwise a throw-away server is started
# (scripts/postgres.sh) and stopped at the end. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test

missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v redis-server >/dev/null || missing+=(redis-server)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || [ -n "${TEST_DATABASE_URL:-}" ] || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} (Debian packages)..." >&2
    sudo_=(); [ "$(id -u)" = 0 ] || sudo_=(sudo)
    "${sudo_[@]}" apt-get update -qq >&2
    "${sudo_[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

if [ -z "${TEST_DATABASE_URL:-}" ]; then
    pgdir=$(mktemp -d /tmp/tekser-pg.XXXXXX)
    trap 'bash scripts/postgres.sh stop "$pgdir"; rm -rf "$pgdir"' EXIT
    TEST_DATABASE_URL=$(bash scripts/postgres.sh start "$pgdir")
    export TEST_DATABASE_URL
fi
# -rs: a skipped two-node test must say why (it never skips here when the packages are in).
.venv/bin/pytest -rs tests/cluster "$@"
