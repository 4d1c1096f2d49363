"""A double click on "Accept" (and the same grade sent from two tabs) against a real threaded
server, SQLite file database by default or PostgreSQL: recorded once, the rest told why."""

import pytest

from app.homework.models import Review, Status
from tests.concurrency import Browser, at_once, live_server, statuses
from tests.fixtures.homework import (
    VERSION_RE,
    audit_events,
    count,
    get_submission,
    grading,
    make_submission,
    review_url,
)

N = 20


@pytest.fixture
def app(fresh_app):
    """Threads (or a live server) use connections of their own: real commits."""
    return fresh_app


def test_a_grade_sent_many_times_at_once_is_recorded_once(app, client, login, world):
    sub = make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])
    login(client, world.reviewer)
    with live_server(app) as url:
        browser = Browser.signed_in(url, app, client)
        claimed = browser.post(review_url(sub, "claim"), token=browser.token(review_url(sub)))
        assert claimed.status == 302, claimed.status  # "Start reviewing"
        page = browser.get(review_url(sub)).text
        data = {**grading(world), "version": VERSION_RE.search(page).group(1)}
        token = browser.token(review_url(sub))
        replies = at_once(
            [lambda: browser.post(review_url(sub, "grade"), data, token=token) for _ in range(N)]
        )
    codes = statuses(replies)
    assert codes.count(302) == 1 and codes.count(409) == N - 1, codes
    # The others waited for the row lock and saw the grade (no flush failed on a stale version).
    assert all("changed while you were grading it" in r.text for r in replies if r.status == 409)
    assert get_submission(app, sub).status == Status.ACCEPTED
    assert count(app, Review) == 1
    assert len(audit_events(app, "homework.graded")) == 1
