#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL on loopback for the tests (Debian's package).
#   scripts/postgres.sh start DIR   -> prints the DATABASE_URL
#   scripts/postgres.sh stop DIR
set -euo pipefail
action=$1 dir=$2

pg_bin() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$found" ]; then
        echo "installing PostgreSQL (Debian package)..." >&2
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        else
            sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        fi
        found=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    echo "$found"
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else bash -c "$*"; fi
}

case "$action" in
start)
    bin=$(pg_bin)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb -D $dir/data -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
    as_owner "$bin/pg_ctl -D $dir/data -l $dir/pg.log -o '-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off' -w start" >/dev/null
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    bin=$(pg_bin)
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl -D $dir/data -m fast -w stop" >/dev/null || true
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
