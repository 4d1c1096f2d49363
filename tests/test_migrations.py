"""``flask db upgrade`` builds the schema the models describe, and downgrade undoes it."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.extensions import db
from tests.fixtures.app import ON_POSTGRES, TEST_DB_URL


@pytest.fixture
def empty_database(tmp_path):
    """A database with nothing in it: a schema of its own on PostgreSQL, a new file on SQLite."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    engine = create_engine(TEST_DB_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS migration_test CASCADE"))
        conn.execute(text("CREATE SCHEMA migration_test"))
    yield (
        TEST_DB_URL
        + ("&" if "?" in TEST_DB_URL else "?")
        + "options=-csearch_path%3Dmigration_test"
    )
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA migration_test CASCADE"))
    engine.dispose()


def test_upgrade_matches_models_and_downgrade_empties(empty_database, tmp_path):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=empty_database, UPLOAD_DIR=str(tmp_path / "u"))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()


@pytest.mark.postgres_only
def test_audit_log_is_append_only_on_postgres(empty_database, tmp_path):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=empty_database, UPLOAD_DIR=str(tmp_path / "u"))
    with app.app_context():
        upgrade()
        db.session.execute(
            text("INSERT INTO audit_event (at, action, details) VALUES (now(), 'x', '{}')")
        )
        db.session.commit()
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text("UPDATE audit_event SET action = 'y'"))
        db.session.rollback()
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text("DELETE FROM audit_event"))
        db.session.rollback()
        db.engine.dispose()
