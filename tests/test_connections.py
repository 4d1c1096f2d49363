"""How requests use database connections (app/connections.py, ADR 0026): on PostgreSQL a safe
request reads outside a transaction (no BEGIN, no COMMIT) and an unsafe one in a transaction;
a pooled connection that idled is pinged before use and replaced when dead, a busy one is not."""

from __future__ import annotations

import pytest

from app import connections
from app.extensions import db
from tests.fixtures.app import ON_POSTGRES

pg_only = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL connections")


def _dbapi():
    return db.session.connection().connection.dbapi_connection


@pg_only
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_safe_request_reads_outside_a_transaction(app, method):
    with app.test_request_context("/", method=method):
        app.preprocess_request()  # the request hooks, as for a dispatched request
        assert db.session.execute(db.text("SELECT 1")).scalar() == 1
        dbapi = _dbapi()
        assert dbapi.autocommit is True
        assert dbapi.info.transaction_status.name == "IDLE"  # no BEGIN was sent
        db.session.commit()
    with app.app_context():  # the connection went back to the pool in transaction mode again
        raw = db.engine.raw_connection()
        try:
            assert raw.dbapi_connection.autocommit is False
        finally:
            raw.close()


@pg_only
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_an_unsafe_request_runs_in_one_transaction(app, method):
    with app.test_request_context("/", method=method):
        app.preprocess_request()
        db.session.execute(db.text("SELECT 1"))
        dbapi = _dbapi()
        assert dbapi.autocommit is False
        assert dbapi.info.transaction_status.name == "INTRANS"
        db.session.rollback()


@pg_only
def test_work_in_a_bare_request_context_keeps_its_transaction(app):
    """Code that runs in a request context the app did not dispatch (a shell, a test, a job
    in immediate mode) is not a safe request: its writes and SAVEPOINTs work as anywhere."""
    with app.test_request_context("/"):
        with db.session.begin_nested():
            db.session.execute(db.text("SELECT 1"))
        assert _dbapi().autocommit is False
        db.session.rollback()


@pg_only
def test_a_streamed_export_in_a_safe_request_gets_its_transaction(
    app, client, course, make_user, login
):
    """The exports read through server-side cursors (``DECLARE``), which need a transaction:
    a GET that streams one takes it just before, on an app that runs as production does (not
    inside a test's outer transaction, where the exports' own tests run)."""
    _course_id, cohort_id = course
    login(client, make_user("admin"))
    for path in ("students.csv", "grades.csv"):
        response = client.get(f"/admin/cohorts/{cohort_id}/export/{path}")
        assert response.status_code == 200
        assert response.get_data().startswith("\ufeff".encode())
    with app.test_request_context("/", method="GET"):
        app.preprocess_request()
        rows = db.session.execute(
            db.select(db.literal(1)), execution_options={"stream_results": True}
        )
        assert rows.scalar() == 1
        assert _dbapi().info.transaction_status.name == "INTRANS"
        db.session.rollback()


@pg_only
def test_a_savepoint_in_a_safe_request_gets_its_transaction(app):
    with app.test_request_context("/", method="GET"):
        app.preprocess_request()
        db.session.execute(db.text("SELECT 1"))
        with db.session.begin_nested():
            db.session.execute(db.text("SELECT 2"))
        assert _dbapi().info.transaction_status.name == "INTRANS"
        db.session.rollback()


def _pings(monkeypatch) -> list[bool]:
    seen: list[bool] = []
    real = connections._alive

    def counting(dbapi_connection):
        seen.append(alive := real(dbapi_connection))
        return alive

    monkeypatch.setattr(connections, "_alive", counting)
    return seen


def test_a_connection_in_use_a_moment_ago_is_not_pinged(app_factory, monkeypatch):
    app = app_factory(POOL_PING_AFTER=60)
    seen = _pings(monkeypatch)
    with app.app_context():
        for _ in range(3):
            db.session.execute(db.text("SELECT 1"))
            db.session.commit()
    assert seen == []


def test_an_idle_connection_is_pinged_before_use(app_factory, monkeypatch):
    app = app_factory(POOL_PING_AFTER=0)
    seen = _pings(monkeypatch)
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))
        db.session.commit()  # the connection returns to the pool, idle from now
        db.session.execute(db.text("SELECT 1"))
        db.session.commit()
    assert seen and all(seen)


@pg_only
def test_a_dead_idle_connection_is_replaced_before_the_request_sees_it(app_factory, monkeypatch):
    """A database restart or a dropped connection: the pool hands out a fresh one."""
    app = app_factory(POOL_PING_AFTER=0)
    seen = _pings(monkeypatch)
    with app.app_context():
        with db.engine.connect() as other:  # a second connection, checked out beside the first
            pid = db.session.execute(db.text("SELECT pg_backend_pid()")).scalar()
            db.session.commit()  # the first goes back to the pool
            other.execute(db.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
        assert db.session.execute(db.text("SELECT pg_backend_pid()")).scalar() != pid
        db.session.commit()
    assert False in seen
