"""SQLite as the embedded default: WAL, a busy timeout, and write transactions that take the
lock up front (BEGIN IMMEDIATE) while safe requests read with a deferred BEGIN."""

import pytest

from app.connections import may_write
from app.extensions import db
from tests.fixtures.app import ON_POSTGRES


@pytest.mark.parametrize(
    ("method", "path", "writes"),
    [
        ("GET", "/", False),
        ("HEAD", "/courses/demo", False),
        ("POST", "/courses/demo/modules/m1/read", True),
        ("PUT", "/", True),
        ("DELETE", "/", True),
        ("GET", "/review/submissions/1", False),  # no GET writes: claiming is a POST
        ("GET", "/notifications", False),  # marking read is a POST
    ],
)
def test_which_requests_take_the_write_lock_up_front(app, method, path, writes):
    with app.test_request_context(path, method=method):
        assert may_write() is writes


def test_work_outside_requests_takes_the_write_lock(app):
    with app.app_context():
        assert may_write() is True


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite settings")
def test_a_file_database_uses_wal_and_waits_for_the_lock(app_factory):
    app = app_factory(SQLITE_BUSY_TIMEOUT=7)
    with app.app_context():
        assert db.session.execute(db.text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(db.text("PRAGMA busy_timeout")).scalar() == 7000
