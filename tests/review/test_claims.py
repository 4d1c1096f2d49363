"""Claiming: opening a submission shows it read-only; "Start reviewing" claims it for a limited
time; a second reviewer sees it as claimed and cannot grade it; an expired claim returns to the
queue; release gives it back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.db import utcnow
from app.homework.models import Review, Status
from app.policy import Role
from tests.fixtures.app import post_form
from tests.fixtures.homework import (
    as_user,
    assign,
    count,
    get_submission,
    grading,
    make_submission,
    open_for_review,
    post_grade,
    review_url,
    set_fields,
    snapshot,
)
from tests.review.test_queue import counts_of, names_in_table

CLAIMED = "Another reviewer is reviewing this homework."


@pytest.fixture
def second(app, make_user, world):
    """A second reviewer of cohort A."""
    user = make_user(Role.REVIEWER, name="Reviewer A2")
    assign(app, user, world.cohort_a)
    return user


@pytest.fixture
def sub(app, world):
    return make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])


def test_opening_a_submission_claims_nothing(app, client, login, world, sub):
    """A link opened by a preview bot or from another site (the cookie is SameSite=Lax) must
    not take work from the queue: the page is read-only, with a "Start reviewing" button."""
    login(client, world.reviewer)
    before = snapshot(app)

    html = client.get(review_url(sub)).get_data(as_text=True)

    assert snapshot(app) == before
    assert get_submission(app, sub).status == Status.SUBMITTED
    assert f'action="{review_url(sub, "claim")}"' in html and "Start reviewing" in html
    assert "Drinking hot water cures the flu." in html  # the work itself is shown
    assert 'name="decision"' not in html and 'name="version"' not in html
    assert CLAIMED not in html


def test_start_reviewing_claims_and_opens_the_grading_form(app, client, login, world, sub):
    login(client, world.reviewer)
    before = get_submission(app, sub)

    response = post_form(client, review_url(sub, "claim"), token_from=review_url(sub))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(review_url(sub))
    status, version = open_for_review(client, sub)

    assert status == 200
    claimed = get_submission(app, sub)
    assert (claimed.status, claimed.claimed_by_id) == (Status.IN_REVIEW, world.reviewer.id)
    assert timedelta(minutes=29) < claimed.claim_expires_at - utcnow() <= timedelta(minutes=30)
    assert int(version) == claimed.version == before.version + 1
    html = client.get(review_url(sub)).get_data(as_text=True)
    assert "You are reviewing this homework until" in html
    assert 'name="decision" value="accept"' in html
    assert "Criterion 1" in html and "Level 2 (2)" in html


def test_the_claim_time_comes_from_the_config(app, client, login, world, sub):
    app.config["REVIEW_CLAIM_MINUTES"] = 5
    login(client, world.reviewer)
    open_for_review(client, sub)
    left = get_submission(app, sub).claim_expires_at - utcnow()
    assert timedelta(minutes=4) < left <= timedelta(minutes=5)


def test_a_second_reviewer_sees_it_claimed_and_cannot_grade(app, client, login, world, sub, second):
    login(client, world.reviewer)
    open_for_review(client, sub)
    held = snapshot(app)
    other = as_user(app, login, second)

    status, version = open_for_review(other, sub)
    html = other.get(review_url(sub)).get_data(as_text=True)

    assert status == 200
    assert CLAIMED in html and 'name="decision"' not in html
    assert version == ""  # no grading form at all
    assert get_submission(app, sub).claimed_by_id == world.reviewer.id
    assert snapshot(app) == held
    # Not in the second reviewer's waiting list, but counted as in review.
    queue = other.get("/review/").get_data(as_text=True)
    assert names_in_table(queue) == [] and counts_of(queue)["In review"] == 1

    # A grading POST with the current version is refused all the same.
    current = get_submission(app, sub).version
    response = post_grade(other, sub, grading(world), version=current)
    assert response.status_code == 409
    assert CLAIMED in response.get_data(as_text=True)
    assert snapshot(app) == held
    # "Review next" does not hand it out either.
    response = post_form(other, "/review/next", token_from="/review/")
    assert response.headers["Location"].endswith("/review/")
    assert snapshot(app) == held


def test_an_expired_claim_returns_to_the_queue_and_another_can_take_it(
    app, client, login, world, sub, second
):
    login(client, world.reviewer)
    _status, first_version = open_for_review(client, sub)
    set_fields(app, sub, claim_expires_at=utcnow() - timedelta(seconds=1))
    other = as_user(app, login, second)

    queue = other.get("/review/").get_data(as_text=True)
    assert names_in_table(queue) == ["Owner Student"]
    assert counts_of(queue)["Waiting"] == 1 and counts_of(queue)["In review"] == 0
    # The student sees it waiting again, not "in review".
    owner = as_user(app, login, world.owner)
    assert "Submitted, waiting for review" in owner.get(
        "/courses/demo/modules/m1/homework"
    ).get_data(as_text=True)

    response = post_form(other, "/review/next", token_from="/review/")
    assert response.headers["Location"].endswith(review_url(sub))
    assert get_submission(app, sub).claimed_by_id == second.id

    # The first reviewer's old form is now stale: nothing changes.
    before = snapshot(app)
    response = post_grade(client, sub, grading(world), version=first_version)
    assert response.status_code == 409
    assert snapshot(app) == before
    assert count(app, Review) == 0


def test_the_first_reviewer_can_grade_on_an_expired_claim_nobody_took(
    app, client, login, world, sub
):
    login(client, world.reviewer)
    _status, version = open_for_review(client, sub)
    set_fields(app, sub, claim_expires_at=utcnow() - timedelta(seconds=1))

    response = post_grade(client, sub, grading(world), version=version)

    assert response.status_code == 302
    assert get_submission(app, sub).status == Status.ACCEPTED


def test_release_gives_it_back(app, client, login, world, sub, second):
    login(client, world.reviewer)
    open_for_review(client, sub)

    response = post_form(client, review_url(sub, "release"), token_from=review_url(sub))

    assert response.status_code == 302
    released = get_submission(app, sub)
    assert released.status == Status.SUBMITTED
    assert (released.claimed_by_id, released.claimed_at, released.claim_expires_at) == (
        None,
        None,
        None,
    )
    other = as_user(app, login, second)
    assert names_in_table(other.get("/review/").get_data(as_text=True)) == ["Owner Student"]


def test_only_the_holder_can_release(app, client, login, world, sub, second):
    login(client, world.reviewer)
    open_for_review(client, sub)
    before = snapshot(app)
    other = as_user(app, login, second)

    response = post_form(other, review_url(sub, "release"), token_from="/review/")

    assert response.status_code == 302
    assert snapshot(app) == before


def test_opening_a_graded_submission_claims_nothing(app, client, login, world):
    sub = make_submission(
        app,
        world.owner,
        world.cohort_a,
        module_id=world.modules["m1"],
        status=Status.ACCEPTED,
        reviewer_id=world.reviewer.id,
        reviewed_at=utcnow(),
    )
    login(client, world.reviewer)
    before = snapshot(app)
    status, version = open_for_review(client, sub)
    assert (status, version) == (200, "")
    assert snapshot(app) == before


def test_a_draft_is_not_in_review(app, client, login, world):
    sub = make_submission(
        app, world.owner, world.cohort_a, module_id=world.modules["m1"], status=Status.DRAFT
    )
    login(client, world.reviewer)
    assert client.get(review_url(sub)).status_code == 404
    assert post_grade(client, sub, grading(world), version=1).status_code == 404
    assert get_submission(app, sub).status == Status.DRAFT


def test_start_reviewing_needs_the_form_token(app, client, login, world, sub):
    login(client, world.reviewer)
    before = snapshot(app)
    assert client.post(review_url(sub, "claim")).status_code == 400
    assert snapshot(app) == before


def test_start_reviewing_what_another_holds_changes_nothing(app, client, login, world, sub, second):
    login(client, world.reviewer)
    open_for_review(client, sub)
    held = snapshot(app)
    other = as_user(app, login, second)

    html = other.get(review_url(sub)).get_data(as_text=True)
    assert CLAIMED in html and "Start reviewing" not in html
    response = post_form(other, review_url(sub, "claim"), token_from=review_url(sub))

    assert response.status_code == 302
    assert CLAIMED in other.get(review_url(sub)).get_data(as_text=True)
    assert snapshot(app) == held


def test_start_reviewing_again_keeps_the_open_forms_version(app, client, login, world, sub):
    login(client, world.reviewer)
    _status, first = open_for_review(client, sub)
    post_form(client, review_url(sub, "claim"), token_from=review_url(sub))
    assert str(get_submission(app, sub).version) == first


def test_an_expired_claim_is_offered_to_start_again(app, client, login, world, sub, second):
    set_fields(
        app,
        sub,
        status=Status.IN_REVIEW,
        claimed_by_id=world.reviewer.id,
        claimed_at=utcnow() - timedelta(hours=2),
        claim_expires_at=utcnow() - timedelta(hours=1),
    )
    other = as_user(app, login, second)
    html = other.get(review_url(sub)).get_data(as_text=True)
    assert "Start reviewing" in html and CLAIMED not in html
    assert get_submission(app, sub).claimed_by_id == world.reviewer.id  # still, until pressed
    post_form(other, review_url(sub, "claim"), token_from=review_url(sub))
    assert get_submission(app, sub).claimed_by_id == second.id


def test_start_reviewing_graded_work_says_so(app, client, login, world, sub):
    login(client, world.reviewer)
    assert post_grade(client, sub, grading(world)).status_code == 302
    graded = snapshot(app)
    html = client.get(review_url(sub)).get_data(as_text=True)
    assert "Start reviewing" not in html
    response = post_form(client, review_url(sub, "claim"), token_from=review_url(sub))
    assert response.status_code == 302
    assert "already been graded" in client.get(review_url(sub)).get_data(as_text=True)
    assert snapshot(app) == graded
