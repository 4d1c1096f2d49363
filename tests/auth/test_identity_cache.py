"""The signed-in identity is cached per worker for a few seconds (ADR 0024); revocation still
takes effect: at once in the worker that makes the change and in the browser that made it,
within LOGIN_CACHE_SECONDS everywhere else.

"Another worker" is simulated by changing the rows through a bare engine connection, which no
ORM session event sees (as this worker sees nothing of another process's session). Runs on
SQLite, and on PostgreSQL with TEST_DATABASE_URL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from app.auth import identity
from app.auth.models import LoginSession, RoleGrant, User
from app.extensions import db
from app.policy import Role
from tests.fixtures.app import post_form

DASHBOARD = "/dashboard"
REVIEW = "/review/"


class Clock:
    def __init__(self, t: float = 1_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(identity, "now", c)
    return c


def elsewhere(app, statement) -> None:
    """A change made by another worker: committed, unseen by this worker's session events."""
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(statement)


def signed_in(response) -> bool:
    return response.status_code == 200


def count_statements(app, client, url: str) -> tuple[int, int]:
    found: list[str] = []
    with app.app_context():
        engine = db.engine

    def listener(conn, cursor, statement, *args):
        found.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        status = client.get(url).status_code
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return status, len([s for s in found if "login_session" in s])


def test_a_cached_identity_reads_no_login_session(app, client, make_user, login, clock):
    login(client, make_user(Role.STUDENT))
    assert count_statements(app, client, DASHBOARD) == (200, 1)
    clock.t += 1
    assert count_statements(app, client, DASHBOARD) == (200, 0)
    clock.t += app.config["LOGIN_CACHE_SECONDS"]
    assert count_statements(app, client, DASHBOARD) == (200, 1)  # expired: read again


@pytest.mark.parametrize(
    "revoke",
    ["logout elsewhere", "password changed elsewhere", "deactivated"],
)
def test_revocation_in_another_worker_takes_effect_within_the_ttl(
    app, client, make_user, login, clock, revoke
):
    user = make_user(Role.STUDENT)
    login(client, user)
    assert signed_in(client.get(DASHBOARD))
    if revoke == "deactivated":
        elsewhere(app, db.update(User).where(User.id == user.id).values(active=False))
    else:  # a logout deletes this login; a password change deletes all of them
        elsewhere(app, db.delete(LoginSession).where(LoginSession.user_id == user.id))

    clock.t += app.config["LOGIN_CACHE_SECONDS"] - 0.5
    assert signed_in(client.get(DASHBOARD))  # still cached in this worker, for seconds
    clock.t += 1
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_role_removed_in_another_worker_is_refused_within_the_ttl(
    app, client, make_user, login, clock
):
    reviewer = make_user(Role.REVIEWER)
    login(client, reviewer)
    assert client.get(REVIEW).status_code == 200
    elsewhere(app, db.delete(RoleGrant).where(RoleGrant.user_id == reviewer.id))
    clock.t += app.config["LOGIN_CACHE_SECONDS"] + 0.1
    assert client.get(REVIEW).status_code == 403


def test_changes_in_this_worker_take_effect_at_once(app, client, make_user, login, clock):
    """Through the ORM session (services, admin pages), nothing waits for the TTL."""
    from app.auth import services

    reviewer = make_user(Role.REVIEWER)
    login(client, reviewer)
    assert client.get(REVIEW).status_code == 200
    with app.app_context():
        services.set_roles(db.session.get(User, reviewer.id), [Role.STUDENT])
        db.session.commit()
    assert client.get(REVIEW).status_code == 403

    with app.app_context():
        db.session.get(User, reviewer.id).active = False
        db.session.commit()
    assert client.get(DASHBOARD).status_code == 302


def test_a_bulk_delete_of_login_sessions_takes_effect_at_once(app, client, make_user, login, clock):
    login(client, make_user(Role.STUDENT))
    assert signed_in(client.get(DASHBOARD))
    with app.app_context():
        db.session.execute(db.delete(LoginSession))
        db.session.commit()
    assert client.get(DASHBOARD).status_code == 302


def test_the_browser_that_changed_the_language_sees_it_in_every_worker(
    app, client, make_user, login, clock
):
    """The language POST stamps the session cookie; a worker that cached the identity before
    that stamp reads it again, so the next page is in the new language at once."""
    user = make_user(Role.STUDENT, locale="en")
    login(client, user)
    assert 'lang="en"' in client.get(DASHBOARD).get_data(as_text=True)
    clock.t += 1
    post_form(client, "/language", {"lang": "kk", "next": DASHBOARD}, token_from=DASHBOARD)
    with client.session_transaction() as session:
        stamp = session[identity.IDENTITY_AT]
    assert stamp == clock.t

    # Another worker had cached the identity before the change, with the old language.
    from app.auth.sessions import _hash

    with client.session_transaction() as session:
        token_hash = _hash(session["_user_id"])
    client.get(DASHBOARD)
    entry = identity._cache[token_hash]
    identity._cache[token_hash] = identity.Entry(
        stamp - 0.5, stamp + 4, entry.user_id, {**entry.columns, "locale": "en"}, entry.roles
    )
    assert 'lang="kk"' in client.get(DASHBOARD).get_data(as_text=True)
    # Without the stamp (another browser of the same person) the old copy would still serve.
    identity._cache[token_hash] = identity.Entry(
        stamp + 0.5, stamp + 4, entry.user_id, {**entry.columns, "locale": "en"}, entry.roles
    )
    assert 'lang="en"' in client.get(DASHBOARD).get_data(as_text=True)


def test_a_password_hash_is_not_kept_in_the_cache(app, client, make_user, login, clock):
    login(client, make_user(Role.STUDENT))
    client.get(DASHBOARD)
    assert identity._cache
    assert all("password_hash" not in e.columns for e in identity._cache.values())
