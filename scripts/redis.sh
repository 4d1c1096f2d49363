#!/usr/bin/env bash
# Start or stop a throw-away Redis on loopback for the tests (Debian's redis-server), as
# scripts/postgres.sh does for PostgreSQL: no persistence, a free port, its own folder.
#   scripts/redis.sh start DIR   -> prints the Redis URL
#   scripts/redis.sh stop DIR
set -euo pipefail
action=$1 dir=$2

redis_bin() {
    if ! command -v redis-server >/dev/null; then
        echo "installing Redis (Debian package)..." >&2
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
        else
            sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
        fi
    fi
    command -v redis-server
}

case "$action" in
start)
    bin=$(redis_bin)
    mkdir -p "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$bin" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
        --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
    echo "$port" >"$dir/port"
    for _ in $(seq 50); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    redis-cli -p "$port" ping >/dev/null
    echo "redis://127.0.0.1:$port/0"
    ;;
stop)
    if [ -f "$dir/port" ]; then
        redis-cli -p "$(cat "$dir/port")" shutdown nosave >/dev/null 2>&1 || true
    fi
    if [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
        kill "$(cat "$dir/redis.pid")" || true
    fi
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
