#!/usr/bin/env bash
# Back up Tekser: the database, the storage folder and a manifest, into DEST/tekser-<UTC time>/.
#   scripts/backup.sh DEST
# Reads the same environment as the app (DATABASE_URL, STORAGE_BACKEND, STORAGE_FOLDER or
# UPLOAD_DIR; config.py's defaults otherwise). PostgreSQL: pg_dump --format=custom. SQLite: the
# online backup API, consistent while the app runs. STORAGE_BACKEND=s3: the bucket is not copied
# (back it up with the store's own versioning or replication); the manifest says so.
# Prints the backup folder's path on the last line.
set -euo pipefail

usage() {
    echo "usage: $0 DEST   (a folder; the backup goes into DEST/tekser-YYYYmmddTHHMMSSZ/)" >&2
    exit 2
}
[ $# -eq 1 ] && [ -n "$1" ] && [ "${1#-}" = "$1" ] || usage
dest=$1

root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
[ -x "$python" ] || python=python3
tool() { "$python" "$root/scripts/backup_tool.py" "$@"; }

pg_tool() {  # the newest Debian PostgreSQL client, else the one on PATH
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$found" ] && [ -x "$found/$1" ]; then echo "$found/$1"; else command -v "$1" || {
        echo "backup: $1 not found (install Debian's postgresql-client)" >&2; exit 1; }; fi
}

kind='' db_path='' pg_url='' pg_password='' storage_backend='' storage_folder='' revision=''
settings=$(tool settings)
eval "$settings"

mkdir -p "$dest"
out="$dest/tekser-$(date -u +%Y%m%dT%H%M%SZ)"
if ! mkdir "$out" 2>/dev/null; then
    echo "backup: $out already exists (one backup per second at most)" >&2
    exit 1
fi
partial=1
trap '[ "$partial" = 1 ] && rm -rf "$out"' EXIT

case "$kind" in
postgresql)
    dump=database.dump
    PGPASSWORD=$pg_password "$(pg_tool pg_dump)" --format=custom --no-owner \
        --file="$out/$dump" --dbname="$pg_url"
    ;;
sqlite)
    dump=database.sqlite
    [ -f "$db_path" ] || { echo "backup: no SQLite database at $db_path" >&2; exit 1; }
    tool sqlite-backup "$db_path" "$out/$dump"
    ;;
esac

if [ "$storage_backend" = s3 ]; then
    storage="skipped: STORAGE_BACKEND=s3 (back the bucket up with the store's own tools)"
    files=0
    echo "backup: storage skipped (STORAGE_BACKEND=s3): back the bucket up with its own tools" >&2
else
    storage=storage.tar.gz
    if [ -d "$storage_folder" ]; then
        files=$(find "$storage_folder" -type f | wc -l)
        tar -C "$storage_folder" -czf "$out/$storage" .
    else
        files=0
        tar -czf "$out/$storage" -T /dev/null
    fi
fi

tool manifest "$out" "$kind" "$dump" "$files" "$storage" "$revision"
partial=0
echo "backup: $kind database (revision $revision), $files stored files" >&2
echo "$out"
