"""The navigation's unread count is kept per login in each worker for LOGIN_CACHE_SECONDS
(ADR 0024): a change shows at once in the worker that makes it and in the browser that made it,
and within LOGIN_CACHE_SECONDS elsewhere. "Another worker" is a bare engine connection, which no
ORM session event sees. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.homework import unread
from app.homework.models import Notification
from tests.fixtures.app import post_form
from tests.fixtures.homework import as_user, make_submission, snapshot

BADGE_RE = re.compile(r'<span class="badge" aria-hidden="true">(\d+)</span>')


@pytest.fixture
def app(fresh_app):
    """Real commits: "another worker" writes through its own connection."""
    return fresh_app


class Clock:
    def __init__(self, t: float = 2_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(unread, "now", c)
    return c


def add_notices(app, world, user, n: int) -> list[int]:
    sub = make_submission(app, user, world.cohort_a, module_id=world.modules["m1"])
    with app.app_context():
        rows = [
            Notification(user_id=user.id, kind="homework_returned", submission_id=sub)
            for _ in range(n)
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def badge(client) -> list[str]:
    return BADGE_RE.findall(client.get("/account").get_data(as_text=True))


def elsewhere(app, statement) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(statement)


def test_a_notice_marked_read_shows_at_once(app, login, world, clock):
    first, _second = add_notices(app, world, world.owner, 2)
    student = as_user(app, login, world.owner)
    assert badge(student) == ["2"]
    post_form(student, f"/notifications/{first}/read", token_from="/notifications")
    assert badge(student) == ["1"]
    post_form(student, "/notifications/read", token_from="/notifications")
    assert badge(student) == []


def test_the_browser_that_marked_it_read_sees_it_in_every_worker(app, login, world, clock):
    [notice] = add_notices(app, world, world.owner, 1)
    student = as_user(app, login, world.owner)
    assert badge(student) == ["1"]
    stale = dict(unread._cache)  # what another worker kept before the change
    clock.t += 1
    post_form(student, f"/notifications/{notice}/read", token_from="/notifications")
    unread._cache.update(stale)  # the next page is served by that worker
    assert badge(student) == []  # the cookie says the notices changed after it counted


def test_another_workers_change_shows_within_the_cache_time(app, login, world, clock):
    student = as_user(app, login, world.owner)
    assert badge(student) == []
    sub = make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])
    elsewhere(
        app,
        db.insert(Notification).values(
            user_id=world.owner.id, kind="homework_returned", submission_id=sub
        ),
    )
    clock.t += app.config["LOGIN_CACHE_SECONDS"] - 0.5
    assert badge(student) == []  # still this worker's copy
    clock.t += 1
    assert badge(student) == ["1"]


def test_reading_pages_writes_nothing(app, login, world, clock):
    add_notices(app, world, world.owner, 3)
    student = as_user(app, login, world.owner)
    before = snapshot(app)
    for _ in range(3):
        assert badge(student) == ["3"]
    assert snapshot(app) == before


def test_counts_are_per_login(app, login, world, clock):
    add_notices(app, world, world.owner, 2)
    student = as_user(app, login, world.owner)
    other = as_user(app, login, world.classmate)
    assert badge(student) == ["2"] and badge(other) == []
