"""Double clicks and two admins at once, against a real threaded server (SQLite file database by
default, PostgreSQL with TEST_DATABASE_URL), with each page's own CSRF token: never a 500, and
the state is what one request would have made."""

import re

import pytest

from app.audit.models import AuditEvent
from app.cohorts.models import Cohort, CohortReviewer, Enrolment
from app.extensions import db
from app.policy import Role
from tests.cohorts.test_enrolment import MIXED, counts, preview_url
from tests.concurrency import Browser, at_once, live_server, statuses
from tests.fixtures.app import post_form

N = 20


@pytest.fixture
def app(fresh_app):
    """Threads use connections of their own: real commits."""
    return fresh_app


def browsers(app, client_factory, login, users, url):
    made = []
    for user in users:
        client = client_factory()
        login(client, user)
        made.append(Browser.signed_in(url, app, client))
    return made


def audit_count(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(
            db.select(db.func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )


def test_a_double_click_on_join_enrols_once(app, client, login, world, make_user):
    student = make_user(email="new@example.com")
    with app.app_context():
        code = db.session.get(Cohort, world.cohort_id).invite_code
    login(client, student)
    with live_server(app) as url:
        [browser] = browsers(app, app.test_client, login, [student], url)
        token = browser.token(f"/join/{code}")
        replies = at_once([lambda: browser.post(f"/join/{code}", token=token) for _ in range(N)])
    assert statuses(replies) == [302] * N
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(Enrolment)
                .where(Enrolment.user_id == student.id)
            )
            == 1
        )


def test_two_admins_assigning_the_same_reviewer_at_once(app, login, world, make_user):
    admins = [world.admin, make_user(Role.ADMIN, email="admin2@example.com")]
    reviewer = make_user(Role.REVIEWER, email="rev-new@example.com")
    path = f"/admin/cohorts/{world.cohort_id}"
    with live_server(app) as url:
        pair = browsers(app, app.test_client, login, admins, url)
        tokens = [b.token(path) for b in pair]
        replies = at_once(
            [
                lambda i=i: pair[i % 2].post(
                    path + "/reviewers", {"email": reviewer.email}, token=tokens[i % 2]
                )
                for i in range(N)
            ]
        )
    assert statuses(replies) == [302] * N
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(CohortReviewer)
                .where(CohortReviewer.user_id == reviewer.id)
            )
            == 1
        )
    assert audit_count(app, "cohort.reviewer_assigned") == 3  # the world's two, and this one


def test_an_enrolment_file_confirmed_at_once_is_imported_once(app, as_admin, world, login):
    from tests.admin.fixtures import upload

    page = preview_url(upload(as_admin, world.cohort_id, MIXED))
    users_before, enrolments_before = counts(app)
    with live_server(app) as url:
        [browser] = browsers(app, app.test_client, login, [world.admin], url)
        token = browser.token(page)
        replies = at_once([lambda: browser.post(page + "/confirm", token=token) for _ in range(N)])
    assert statuses(replies) == [302] * N
    assert counts(app) == (users_before + 3, enrolments_before + 4)
    assert audit_count(app, "cohort.enrolment_imported") == 1


LOADED_RE = re.compile(r'name="loaded"[^>]*value="([^"]*)"')


def edit_form(browser: Browser, path: str, name: str) -> dict:
    loaded = LOADED_RE.search(browser.get(path).text).group(1)
    return {"name": name, "default_locale": "kk", "sequential": "1", "loaded": loaded}


def test_two_admins_editing_a_group_at_once_one_wins_the_others_are_told(
    app, login, world, make_user
):
    admins = [world.admin, make_user(Role.ADMIN, email="admin2@example.com")]
    path = f"/admin/cohorts/{world.cohort_id}/edit"
    with live_server(app) as url:
        pair = browsers(app, app.test_client, login, admins, url)
        tokens = [b.token(path) for b in pair]
        forms = [edit_form(pair[i % 2], path, f"Renamed {i}") for i in range(N)]
        replies = at_once(
            [lambda i=i: pair[i % 2].post(path, forms[i], token=tokens[i % 2]) for i in range(N)]
        )
    codes = statuses(replies)
    assert codes.count(302) == 1 and codes.count(409) == N - 1, codes
    winner = forms[codes.index(302)]["name"]
    loser = replies[codes.index(409)]
    assert "Another administrator saved changes to this group" in loser.text
    assert 'value="Renamed' in loser.text  # what the admin typed is kept
    with app.app_context():
        assert db.session.get(Cohort, world.cohort_id).name == winner
    assert audit_count(app, "cohort.updated") == 1


def test_a_stale_group_form_saved_again_replaces_the_other_admins_edit(app, as_admin, world):
    path = f"/admin/cohorts/{world.cohort_id}/edit"
    page = as_admin.get(path).get_data(as_text=True)
    stale = {"name": "Mine", "default_locale": "kk", "sequential": "1"}
    stale["loaded"] = LOADED_RE.search(page).group(1)
    theirs = {**stale, "name": "Theirs"}
    assert post_form(as_admin, path, theirs, token_from=path).status_code == 302
    assert post_form(as_admin, path, theirs, token_from=path).status_code == 302  # double click

    refused = post_form(as_admin, path, stale, token_from=path)
    assert refused.status_code == 409
    with app.app_context():
        assert db.session.get(Cohort, world.cohort_id).name == "Theirs"
    again = {**stale, "loaded": LOADED_RE.search(refused.get_data(as_text=True)).group(1)}
    assert post_form(as_admin, path, again, token_from=path).status_code == 302
    with app.app_context():
        assert db.session.get(Cohort, world.cohort_id).name == "Mine"
