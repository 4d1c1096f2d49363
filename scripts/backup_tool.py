"""The Python half of scripts/backup.sh and scripts/restore.sh: reads the app's settings (the
environment, with config.py's defaults), and does what needs a database driver.

    backup_tool.py settings [BACKUP]     -> shell assignments: kind, db_path, pg_url, storage,
                                            revision, empty; with BACKUP, its files checked
                                            against its manifest and backup_* assignments
    backup_tool.py sqlite-backup SRC DST -> a consistent copy (sqlite3's online backup API)
    backup_tool.py manifest DIR ...      -> writes DIR/manifest.json

One process does all a script needs to ask (importing config.py loads the app's package).
"""

from __future__ import annotations

import hashlib
import json
import shlex
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, inspect, make_url, text  # noqa: E402

from config import Config  # noqa: E402


def database_url() -> str:
    return Config.SQLALCHEMY_DATABASE_URI


def settings(backup: str | None = None) -> None:
    checked = verify(backup) if backup else {}
    url = make_url(database_url())
    out = {"storage_backend": Config.STORAGE_BACKEND}
    out["storage_folder"] = Config.STORAGE_FOLDER or Config.UPLOAD_DIR
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            sys.exit("backup: DATABASE_URL is an in-memory SQLite database: nothing to back up")
        out.update(kind="sqlite", db_path=str(Path(url.database).resolve()))
    elif url.get_backend_name() == "postgresql":
        # libpq wants postgresql://; the password travels in PGPASSWORD, not on a command line.
        libpq = url.set(drivername="postgresql", password=None)
        out.update(
            kind="postgresql",
            pg_url=libpq.render_as_string(hide_password=False),
            pg_password=url.password or "",
        )
    else:
        sys.exit(f"backup: unsupported database {url.get_backend_name()!r} in DATABASE_URL")
    out.update(revision=revision(), empty=int(is_empty()), **checked)
    for key, value in out.items():
        print(f"{key}={shlex.quote(str(value))}")


def sqlite_backup(source: str, target: str) -> None:
    """A consistent snapshot while the app runs (WAL readers and writers carry on)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=Config.SQLITE_BUSY_TIMEOUT)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def revision() -> str:
    """The database's alembic revision ("none" when it has none, or is missing)."""
    url = make_url(database_url())
    if url.get_backend_name() == "sqlite" and not Path(url.database).exists():
        return "none"
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return "none"
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar() or "none"
    finally:
        engine.dispose()


def is_empty() -> bool:
    """True when the database holds no tables at all (or its SQLite file does not exist)."""
    url = make_url(database_url())
    if url.get_backend_name() == "sqlite" and not Path(url.database).exists():
        return True
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return not inspect(conn).get_table_names()
    finally:
        engine.dispose()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(folder: str, kind: str, dump: str, files: str, storage: str, rev: str) -> None:
    root = Path(folder)
    data = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": kind,
        "alembic_revision": rev,
        "dump": dump,
        "storage": storage,
        "file_count": int(files),
        "sha256": {
            name: sha256(root / name)
            for name in sorted(p.name for p in root.iterdir())
            if name != "manifest.json"
        },
    }
    (root / "manifest.json").write_text(json.dumps(data, indent=2) + "\n")


def verify(folder: str) -> dict[str, str]:
    root = Path(folder)
    try:
        data = json.loads((root / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        sys.exit(f"restore: {root}/manifest.json cannot be read: {error}")
    for name, expected in data["sha256"].items():
        path = root / name
        if not path.is_file():
            sys.exit(f"restore: {name} is missing from {root}")
        if sha256(path) != expected:
            sys.exit(f"restore: {name} does not match its sha256 in manifest.json (damaged?)")
    return {
        "backup_kind": data["database"],
        "backup_dump": data["dump"],
        "backup_storage": data["storage"],
        "backup_revision": data["alembic_revision"],
    }


COMMANDS = {
    "settings": settings,
    "sqlite-backup": sqlite_backup,
    "manifest": manifest,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(COMMANDS)} ...")
    COMMANDS[sys.argv[1]](*sys.argv[2:])
