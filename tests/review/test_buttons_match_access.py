"""A reviewer's page offers "Start reviewing" and the grading form exactly where the routes
behind them would act (as flaskr's ``test_author_required``: the button is absent AND the
request is refused), for each state of an attempt and each reviewer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.db import utcnow
from app.extensions import db
from app.homework.models import Status, Submission
from app.policy import Role
from app.review import policy
from tests.fixtures.app import post_form
from tests.fixtures.homework import (
    as_user,
    assign,
    enrol,
    grading,
    make_submission,
    review_url,
    snapshot,
)

CLAIMED = "Another reviewer is reviewing this homework."


@pytest.fixture
def second(app, make_user, world):
    """A second reviewer of cohort A."""
    user = make_user(Role.REVIEWER, name="Reviewer A2", locale="en")
    assign(app, user, world.cohort_a)
    return user


def attempt(app, world, state: str) -> int:
    fields = {}
    if state == "held":  # claimed by Reviewer A, live
        fields = {"claimed_by_id": world.reviewer.id, "claim_expires_at": utcnow() + timedelta(1)}
    elif state == "expired":  # claimed by Reviewer A, run out
        fields = {"claimed_by_id": world.reviewer.id, "claim_expires_at": utcnow() - timedelta(1)}
    elif state in ("accepted", "returned"):
        fields = {"reviewer_id": world.reviewer.id, "reviewed_at": utcnow()}
    status = Status.IN_REVIEW if state in ("held", "expired") else Status(state)
    return make_submission(
        app, world.owner, world.cohort_a, module_id=world.modules["m1"], status=status, **fields
    )


def version_of(app, sub: int) -> int:
    with app.app_context():
        return db.session.get(Submission, sub).version


# (state, viewer) -> (claim button, grading form, "another reviewer" notice)
CASES = {
    ("submitted", "reviewer"): (True, False, False),
    ("held", "reviewer"): (False, True, False),
    ("held", "second"): (False, False, True),
    ("expired", "second"): (True, False, False),
    ("accepted", "reviewer"): (False, False, False),
    ("returned", "second"): (False, False, False),
}


@pytest.mark.parametrize(("state", "viewer"), list(CASES), ids="-".join)
def test_buttons_show_where_the_routes_act(app, login, world, second, state, viewer):
    claim_button, grade_form, notice = CASES[(state, viewer)]
    sub = attempt(app, world, state)
    user = second if viewer == "second" else world.reviewer
    client = as_user(app, login, user)

    html = client.get(review_url(sub)).get_data(as_text=True)
    assert (f'action="{review_url(sub, "claim")}"' in html) is claim_button
    assert (f'action="{review_url(sub, "grade")}"' in html) is grade_form
    assert ('name="decision"' in html) is grade_form
    assert (CLAIMED in html) is notice

    before = snapshot(app)
    post_form(client, review_url(sub, "claim"), token_from=review_url(sub))
    if claim_button:  # taken: the grading form is theirs now
        assert 'name="decision"' in client.get(review_url(sub)).text
        return
    assert snapshot(app) == before
    data = {**grading(world), "version": str(version_of(app, sub))}
    if grade_form:
        response = post_form(client, review_url(sub, "grade"), data, token_from="/")
        assert response.status_code == 302 and version_of(app, sub) > int(data["version"])
    else:
        # Grading with the attempt's current version: refused, nothing recorded.
        response = post_form(client, review_url(sub, "grade"), data, token_from="/")
        assert response.status_code == 409
        assert snapshot(app) == before


@pytest.mark.parametrize("viewer", ["other_reviewer", "self", "owner", "admin"])
def test_who_may_not_grade_gets_no_page_and_no_grade(app, login, world, make_user, viewer):
    """A reviewer of another cohort and the author (here a reviewer of the cohort they study
    in) get 404 as for a missing id; a student or a non-reviewing admin gets 403."""
    if viewer == "self":
        user = make_user(Role.REVIEWER, name="Reviewing Student", locale="en")
        assign(app, user, world.cohort_a)
        enrol(app, user, world.cohort_a)
        sub = make_submission(app, user, world.cohort_a, module_id=world.modules["m1"])
    else:
        user = world.people[viewer]
        sub = attempt(app, world, "submitted")
    expected = 404 if viewer in ("other_reviewer", "self") else 403
    client = as_user(app, login, user)

    assert client.get(review_url(sub)).status_code == expected
    before = snapshot(app)
    for action in ("claim", "grade"):
        data = {**grading(world), "version": str(version_of(app, sub))}
        response = post_form(client, review_url(sub, action), data, token_from="/")
        assert response.status_code == expected
    assert snapshot(app) == before


def test_the_review_predicates(app, world, second):
    waiting = attempt(app, world, "submitted")
    with app.app_context():
        sub = db.session.get(Submission, waiting)
        assert policy.can_claim(world.reviewer, sub) and policy.can_claim(second, sub)
        assert not policy.can_claim(world.other_reviewer, sub)  # another cohort
        assert not policy.can_claim(world.owner, sub)
        assert not policy.is_reviewing(world.reviewer, sub)
        assert not policy.is_claimed_by_another(second, sub)
        sub.status, sub.claimed_by_id = Status.IN_REVIEW, world.reviewer.id
        sub.claim_expires_at = utcnow() + timedelta(minutes=5)
        assert policy.is_reviewing(world.reviewer, sub)
        assert not policy.is_reviewing(second, sub) and not policy.can_claim(second, sub)
        assert policy.is_claimed_by_another(second, sub)
        assert not policy.is_claimed_by_another(world.reviewer, sub)
        sub.claim_expires_at = utcnow() - timedelta(minutes=5)
        assert policy.can_claim(second, sub) and not policy.is_reviewing(world.reviewer, sub)
        db.session.rollback()
