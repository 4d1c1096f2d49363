"""The safety net for requests that lose a race: a translated 409 (or, when SQLite's write lock
cannot be had in time, 503) page with Retry-After, nothing saved, the form kept to send again."""

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.learning import progress
from app.learning.models import ModuleProgress
from tests.concurrency import Browser, live_server
from tests.fixtures.app import ON_POSTGRES, csrf_token, post_form

M1 = "/courses/demo/modules/m1"


class UniqueViolation(Exception):
    sqlstate = "23505"


def lose_the_race(error):
    def mark(user_id, module):
        progress._row(user_id, module)  # something written first: it must not be kept
        db.session.flush()
        raise error

    return mark


@pytest.mark.parametrize(
    "error",
    [
        StaleDataError("UPDATE statement on table 'submission' expected to update 1 row(s)"),
        IntegrityError("INSERT ...", {}, UniqueViolation("duplicate key")),
        IntegrityError("INSERT ...", {}, sqlite3.IntegrityError("UNIQUE constraint failed: x.y")),
    ],
)
def test_a_lost_race_is_a_409_page_and_nothing_is_saved(
    app, client, login, student, monkeypatch, error
):
    login(client, student)
    monkeypatch.setattr(progress, "mark_lesson_read", lose_the_race(error))
    response = post_form(client, M1 + "/read", {"extra": "kept"}, token_from=M1)
    assert response.status_code == 409
    assert response.headers["Retry-After"] == "2"
    page = response.get_data(as_text=True)
    assert "Someone else changed this at the same moment" in page
    assert 'name="extra" value="kept"' in page and "Send again" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ModuleProgress)) == 0


@pytest.mark.parametrize(
    ("language", "title"), [("kk", "Қазір бос емес"), ("ru", "Сейчас занято"), ("en", "Busy")]
)
@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's write lock")
def test_a_write_lock_held_too_long_is_a_translated_503(
    app, app_factory, client, login, student, language, title
):
    """Another writer holds SQLite's lock past the busy timeout: 503, Retry-After, and the
    same post succeeds once the lock is free."""
    login(client, student)
    impatient = app_factory(SQLITE_BUSY_TIMEOUT=0.2)
    with impatient.app_context():
        path = db.engine.url.database
    with live_server(impatient) as url:
        browser = Browser.signed_in(url, app, client)
        token = browser.token(M1)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            browser.cookies["lang"] = language
            reply = browser.request("POST", M1 + "/read", {"csrf_token": token, "submit": "1"})
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert reply.status == 503, reply.text[-800:]
        assert reply.headers["Retry-After"] == "2"
        assert title in reply.text
        assert browser.post(M1 + "/read", token=token).status == 302


def test_a_conflict_at_commit_is_a_409_page_too(app, client, login, student, monkeypatch):
    """The request's own commit can lose the race (a deferred constraint, a serialization
    failure): the after-request hook answers the conflict page instead of a 500."""
    from sqlalchemy.orm import Session

    login(client, student)
    token = csrf_token(client, M1)
    real = Session.commit

    def commit(session):
        monkeypatch.setattr(Session, "commit", real)
        raise StaleDataError("expected to update 1 row(s); 0 were matched")

    monkeypatch.setattr(Session, "commit", commit)
    response = client.post(M1 + "/read", data={"csrf_token": token})
    assert response.status_code == 409 and response.headers["Retry-After"] == "2"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ModuleProgress)) == 0
