"""scripts/backup.sh and scripts/restore.sh on real data made through the app (users, cohorts, a
homework with a screenshot), on a SQLite file and on PostgreSQL: back up, wipe, restore, and the
rows and the screenshot's bytes are back and served; a non-empty target is refused without
--force; a damaged dump fails its checksum before anything is touched."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask_migrate import stamp
from sqlalchemy import create_engine, make_url, text

from app.extensions import db
from app.homework.models import Screenshot, Submission
from tests.fixtures.app import ROOT, TEST_DB_URL
from tests.fixtures.homework import build_world, fact_check, post_homework
from tests.fixtures.images import png

SCRIPTS = ROOT / "scripts"


@dataclass
class Site:
    url: str  # where the data is made and backed up
    target: str  # the empty database restored into
    uploads: Path


def run(script: str, *args: str, url: str, uploads: Path, **env: str):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "STORAGE_"))}
    environ.update({"DATABASE_URL": url, "UPLOAD_DIR": str(uploads), "STORAGE_BACKEND": "folder"})
    environ.update(env)
    return subprocess.run(
        ["bash", str(SCRIPTS / script), *args], env=environ, capture_output=True, text=True
    )


def admin_engine():
    return create_engine(TEST_DB_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request, tmp_path):
    uploads = tmp_path / "uploads"
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'site.sqlite'}"
        yield Site(url, url, uploads)
        return
    if not (TEST_DB_URL and TEST_DB_URL.startswith("postgresql")):
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL)")
    names = [f"tekser_backup_{uuid.uuid4().hex[:8]}", f"tekser_restore_{uuid.uuid4().hex[:8]}"]
    engine = admin_engine()
    with engine.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = make_url(TEST_DB_URL)
    source, target = (base.set(database=n).render_as_string(hide_password=False) for n in names)
    try:
        yield Site(source, target, uploads)
    finally:
        with engine.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def sign_in(app, user):
    from app.auth.models import LoginSession
    from app.auth.sessions import _hash

    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    token = f"test-{user.id}-{os.urandom(8).hex()}"
    with app.app_context():
        db.session.add(LoginSession(token_hash=_hash(token), user_id=user.id))
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
    return client


def counts(app) -> dict[str, int]:
    with app.app_context():
        tables = ("user", "cohort", "submission", "screenshot")
        return {t: db.session.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables}


def test_backup_wipe_restore(site, app_factory, tmp_path):
    app = app_factory(SQLALCHEMY_DATABASE_URI=site.url, UPLOAD_DIR=str(site.uploads))
    with app.app_context():
        db.create_all()
        stamp(directory=str(ROOT / "migrations"))
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    world = build_world(app)
    owner = sign_in(app, world.owner)
    shot_bytes = png(color=(10, 200, 40))
    response = post_homework(owner, fact_check(), shots=[(shot_bytes, "s.png")], submit=True)
    assert response.status_code == 302
    with app.app_context():
        shot = db.session.scalar(db.select(Screenshot))
        shot_id, stored = shot.id, shot.stored_name
        served = owner.get(f"/homework/screenshots/{shot_id}").data
    before = counts(app)
    assert before["submission"] == 1 and before["screenshot"] == 1 and before["user"] == 6

    made = run("backup.sh", str(tmp_path / "backups"), url=site.url, uploads=site.uploads)
    assert made.returncode == 0, made.stderr
    folder = Path(made.stdout.strip().splitlines()[-1])
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["alembic_revision"] == revision and manifest["file_count"] >= 1
    assert set(manifest["sha256"]) == {manifest["dump"], "storage.tar.gz"}

    # The live database is not empty: refused without --force, nothing changed.
    refused = run("restore.sh", str(folder), url=site.url, uploads=site.uploads)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert counts(app) == before

    # A damaged dump is refused before anything is touched.
    damaged = tmp_path / "damaged"
    shutil.copytree(folder, damaged)
    dump = damaged / manifest["dump"]
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    broken = run("restore.sh", "--force", str(damaged), url=site.url, uploads=site.uploads)
    assert broken.returncode == 1 and "sha256" in broken.stderr
    assert counts(app) == before

    # Wipe: the tables (SQLite) or a new empty database (PostgreSQL), and the uploads.
    with app.app_context():
        if site.target == site.url:
            db.drop_all()
            db.session.execute(text("DROP TABLE alembic_version"))
            db.session.commit()
        db.engine.dispose()
    shutil.rmtree(site.uploads)

    restored = run("restore.sh", str(folder), url=site.target, uploads=site.uploads)
    assert restored.returncode == 0, restored.stderr
    app2 = app_factory(SQLALCHEMY_DATABASE_URI=site.target, UPLOAD_DIR=str(site.uploads))
    assert counts(app2) == before
    with app2.app_context():
        assert db.session.scalar(db.select(Submission)).user_id == world.owner.id
        version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == revision
    assert len([p for p in site.uploads.rglob("*") if p.is_file()]) == manifest["file_count"]
    response = sign_in(app2, world.owner).get(f"/homework/screenshots/{shot_id}")
    assert response.status_code == 200 and response.data == served
    assert stored and response.data.startswith(b"\x89PNG")

    # --force replaces a database that holds tables (here, the restored one).
    again = run("restore.sh", "--force", str(folder), url=site.target, uploads=site.uploads)
    assert again.returncode == 0, again.stderr
    assert counts(app2) == before


def test_s3_storage_is_skipped_and_recorded(tmp_path):
    url = f"sqlite:///{tmp_path / 'site.sqlite'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x int)"))
    engine.dispose()
    made = run(
        "backup.sh", str(tmp_path / "b"), url=url, uploads=tmp_path / "u", STORAGE_BACKEND="s3"
    )
    assert made.returncode == 0, made.stderr
    manifest = json.loads((Path(made.stdout.split()[-1]) / "manifest.json").read_text())
    assert manifest["storage"].startswith("skipped: STORAGE_BACKEND=s3")
    assert set(manifest["sha256"]) == {"database.sqlite"} and "skipped" in made.stderr


@pytest.mark.parametrize(
    ("script", "args"), [("backup.sh", ()), ("restore.sh", ()), ("restore.sh", ("--nope",))]
)
def test_usage_errors(script, args, tmp_path):
    result = run(script, *args, url=f"sqlite:///{tmp_path / 'x.sqlite'}", uploads=tmp_path)
    assert result.returncode == 2 and "usage:" in result.stderr
