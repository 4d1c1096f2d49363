#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database and storage folder the
# environment names (the same settings as the app; stop the app and the job worker first).
#   scripts/restore.sh [--force] SRC
# Checks every file against the manifest's sha256 first. Refuses a database that already holds
# tables unless --force (PostgreSQL: pg_restore --clean --if-exists; SQLite: the file replaced).
set -euo pipefail

usage() {
    echo "usage: $0 [--force] SRC   (SRC: a folder made by scripts/backup.sh)" >&2
    exit 2
}
force=0
case "${1:-}" in --force) force=1; shift ;; esac
[ $# -eq 1 ] && [ -n "$1" ] && [ "${1#-}" = "$1" ] || usage
src=$1
[ -f "$src/manifest.json" ] || { echo "restore: $src has no manifest.json" >&2; exit 1; }

root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
[ -x "$python" ] || python=python3
tool() { "$python" "$root/scripts/backup_tool.py" "$@"; }

pg_tool() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$found" ] && [ -x "$found/$1" ]; then echo "$found/$1"; else command -v "$1" || {
        echo "restore: $1 not found (install Debian's postgresql-client)" >&2; exit 1; }; fi
}

kind='' db_path='' pg_url='' pg_password='' storage_backend='' storage_folder='' empty=''
backup_kind='' backup_dump='' backup_storage='' backup_revision=''
settings=$(tool settings "$src")  # checks every file against the manifest first
eval "$settings"
dump=$backup_dump storage=$backup_storage revision=$backup_revision

if [ "$backup_kind" != "$kind" ]; then
    echo "restore: the backup holds a $backup_kind database but DATABASE_URL is $kind" >&2
    exit 1
fi
if [ "$empty" != 1 ] && [ "$force" = 0 ]; then
    echo "restore: the database already holds tables; pass --force to replace it" >&2
    exit 1
fi

case "$kind" in
postgresql)
    PGPASSWORD=$pg_password "$(pg_tool pg_restore)" --clean --if-exists --no-owner \
        --exit-on-error --single-transaction --dbname="$pg_url" "$src/$dump"
    ;;
sqlite)
    mkdir -p "$(dirname "$db_path")"
    cp "$src/$dump" "$db_path.restoring"
    rm -f "$db_path-wal" "$db_path-shm"
    mv -f "$db_path.restoring" "$db_path"
    ;;
esac

if [ "$storage" = storage.tar.gz ]; then
    mkdir -p "$storage_folder"
    find "$storage_folder" -mindepth 1 -delete
    tar -C "$storage_folder" -xzf "$src/$storage"
    files=$(find "$storage_folder" -type f | wc -l)
else
    files=0
    echo "restore: storage not in this backup ($storage)" >&2
fi
echo "restore: $kind database at revision $revision, $files stored files" >&2
