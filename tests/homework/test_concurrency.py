"""Double clicks and two tabs on the homework form, against a real threaded server (SQLite file
database by default, PostgreSQL with TEST_DATABASE_URL), with the page's own CSRF token: one
attempt is handed in, the other requests get a clear answer (never a 500), nothing half-saved."""

import pytest

from app.db import utcnow
from app.homework.models import Evidence, Status, Submission
from tests.concurrency import Browser, at_once, live_server, statuses
from tests.fixtures.homework import HW, VERSION_RE, count, fact_check, make_submission

N = 20


@pytest.fixture
def app(fresh_app):
    """Threads (or a live server) use connections of their own: real commits."""
    return fresh_app


def form(browser: Browser, **changes) -> dict:
    page = browser.get(HW).text
    version = VERSION_RE.search(page).group(1)
    return {**fact_check(**changes), "version": version, "submit": "x"}


def only_attempt(app, world) -> Submission:
    with app.app_context():
        from app.extensions import db

        [sub] = db.session.scalars(db.select(Submission)).all()
        db.session.expunge(sub)
        return sub


def assert_handed_in_once(replies) -> None:
    """One request submitted; the others waited for it and were told so, as a second click
    after the first finished is (not a generic conflict page, not a 500)."""
    codes = statuses(replies)
    assert codes.count(302) == 1 and set(codes) <= {302, 422}, codes
    for reply in replies:
        if reply.status == 422:
            assert "has been submitted and can no longer be changed" in reply.text


def post_at_once(app, client, login, user, make_form):
    login(client, user)
    with live_server(app) as url:
        browser = Browser.signed_in(url, app, client)
        token, data = browser.token(HW), make_form(browser)
        return at_once([lambda: browser.post(HW, data, token=token) for _ in range(N)])


def test_a_draft_submitted_from_many_tabs_at_once_is_handed_in_once(app, client, login, world):
    make_submission(
        app, world.owner, world.cohort_a, module_id=world.modules["m1"], status=Status.DRAFT
    )
    replies = post_at_once(app, client, login, world.owner, form)

    assert_handed_in_once(replies)
    sub = only_attempt(app, world)
    assert sub.status == Status.SUBMITTED and sub.claim == fact_check()["claim"]
    assert count(app, Evidence) == 2


def test_a_first_submit_from_many_tabs_at_once_makes_one_attempt(app, client, login, world):
    replies = post_at_once(app, client, login, world.owner, lambda b: form(b))

    assert_handed_in_once(replies)
    assert only_attempt(app, world).status == Status.SUBMITTED
    assert count(app, Evidence) == 2


def test_a_double_click_on_revise_starts_one_revision(app, client, login, world):
    make_submission(
        app,
        world.owner,
        world.cohort_a,
        module_id=world.modules["m1"],
        status=Status.RETURNED,
        reviewer_id=world.reviewer.id,
        reviewed_at=utcnow(),
    )
    login(client, world.owner)
    with live_server(app) as url:
        browser = Browser.signed_in(url, app, client)
        token = browser.token(HW)
        replies = at_once([lambda: browser.post(HW + "/revise", token=token) for _ in range(6)])
    assert statuses(replies) == [302] * 6
    assert count(app, Submission) == 2
