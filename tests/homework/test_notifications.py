"""In-app notices: listed by a GET that changes nothing, marked read one by one or all at once
with small forms, and counted in the navigation with one cheap query."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.homework.models import Notification
from tests.fixtures.app import post_form
from tests.fixtures.homework import as_user, count, make_submission, snapshot

BADGE_RE = re.compile(r'<span class="badge" aria-hidden="true">(\d+)</span>')


@pytest.fixture
def notices(app, world):
    """``notices(user, n)``: n unread notices for ``user``; their ids."""

    def make(user, n: int) -> list[int]:
        sub = make_submission(app, user, world.cohort_a, module_id=world.modules["m1"])
        with app.app_context():
            rows = [
                Notification(user_id=user.id, kind="homework_returned", submission_id=sub)
                for _ in range(n)
            ]
            db.session.add_all(rows)
            db.session.commit()
            return [row.id for row in rows]

    return make


def unread(app, user) -> int:
    return count(app, Notification, Notification.user_id == user.id, Notification.read_at.is_(None))


def test_the_navigation_counts_unread_notices(app, login, world, notices):
    notices(world.owner, 2)
    student = as_user(app, login, world.owner)

    html = student.get("/dashboard").get_data(as_text=True)

    assert BADGE_RE.findall(html) == ["2"]
    assert '<span class="visually-hidden">(2 unread)</span>' in html
    other = as_user(app, login, world.classmate)
    assert BADGE_RE.findall(other.get("/dashboard").get_data(as_text=True)) == []


@pytest.mark.parametrize("lang, text", [("ru", "(непрочитанных: 3)"), ("kk", "(оқылмағаны: 3)")])
def test_the_unread_count_is_translated(app, login, world, notices, lang, text):
    notices(world.owner, 3)
    student = as_user(app, login, world.owner)
    student.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    with app.app_context():
        from app.auth.models import User

        db.session.get(User, world.owner.id).locale = lang
        db.session.commit()
    assert text in student.get("/dashboard").get_data(as_text=True)


def test_the_count_is_one_query_whatever_the_number(app, login, world, notices, count_queries):
    student = as_user(app, login, world.owner)
    student.get("/account")
    with count_queries() as kept:  # counted a moment ago: the worker's copy (ADR 0024)
        student.get("/account")
    assert not any("notification" in s for s in kept.statements)
    notices(world.owner, 1)  # forgets the copy
    with count_queries() as one:
        student.get("/account")
    with app.app_context():
        db.session.add_all(
            Notification(user_id=world.owner.id, kind="due_reminder", module_id=world.modules["m1"])
            for _ in range(24)
        )
        db.session.commit()
    with count_queries() as many:
        html = student.get("/account").get_data(as_text=True)
    assert BADGE_RE.findall(html) == ["25"]
    assert many.count == one.count
    assert sum("notification" in s for s in many.statements) == 1


def test_anonymous_pages_do_not_count(client, count_queries):
    with count_queries() as counter:
        assert client.get("/").status_code == 200
    assert not any("notification" in s for s in counter.statements)


def test_listing_notices_marks_nothing_read(app, login, world, notices):
    notices(world.owner, 2)
    student = as_user(app, login, world.owner)
    before = snapshot(app)
    html = student.get("/notifications").get_data(as_text=True)
    assert html.count('class="card unread"') == 2
    assert html.count('value="Mark as read"') == 2 and 'value="Mark all as read"' in html
    assert snapshot(app) == before
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # one form per notice, no id twice


def test_mark_one_read(app, login, world, notices):
    first, second = notices(world.owner, 2)
    student = as_user(app, login, world.owner)

    response = post_form(student, f"/notifications/{first}/read", token_from="/notifications")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/notifications#notice-{first}")
    assert unread(app, world.owner) == 1
    html = student.get("/notifications").get_data(as_text=True)
    assert html.count('class="card unread"') == 1 and f'id="notice-{second}"' in html
    assert BADGE_RE.findall(html) == ["1"]
    # Again: nothing more to do, and no error.
    again = post_form(student, f"/notifications/{first}/read", token_from="/notifications")
    assert again.status_code == 302 and unread(app, world.owner) == 1


def test_mark_all_read(app, login, world, notices):
    notices(world.owner, 3)
    notices(world.classmate, 1)
    student = as_user(app, login, world.owner)

    response = post_form(student, "/notifications/read", token_from="/notifications")

    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications")
    assert unread(app, world.owner) == 0
    assert unread(app, world.classmate) == 1  # only one's own
    html = student.get("/notifications").get_data(as_text=True)
    assert "All notifications are marked as read." in html
    assert BADGE_RE.findall(html) == [] and "Mark all as read" not in html


@pytest.mark.parametrize("path", ["/notifications/{id}/read", "/notifications/read"])
def test_marking_read_needs_the_form_token(app, login, world, notices, path):
    [notice] = notices(world.owner, 1)
    student = as_user(app, login, world.owner)
    before = snapshot(app)
    assert student.post(path.format(id=notice)).status_code == 400
    assert snapshot(app) == before
