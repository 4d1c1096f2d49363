"""Access matrix for the review routes: anonymous, the student who wrote the work, another
student of the cohort, a student of another cohort, the cohort's reviewer, a reviewer of another
cohort, an admin (who reviews only where assigned as a reviewer). Refusals are audited and
change nothing."""

from __future__ import annotations

import pytest

from app.homework.models import Status
from tests.fixtures.app import post_form
from tests.fixtures.homework import (
    as_shown,
    audit_events,
    get_submission,
    grading,
    make_submission,
    snapshot,
)

ENDPOINTS = {
    "review.queue",
    "review.claim_next",
    "review.submission",
    "review.claim",
    "review.grade",
    "review.release",
}

WHO = ["anonymous", "owner", "classmate", "outsider", "reviewer", "other_reviewer", "admin"]

MATRIX = {
    "review.queue": ("GET", "/review/", (302, 403, 403, 403, 200, 200, 403)),
    "review.claim_next": ("POST", "/review/next", (302, 403, 403, 403, 302, 302, 403)),
    "review.submission": ("GET", "/review/submissions/{sub}", (302, 403, 403, 403, 200, 404, 403)),
    "review.claim": (
        "POST",
        "/review/submissions/{sub}/claim",
        (302, 403, 403, 403, 302, 404, 403),
    ),
    "review.grade": (
        "POST",
        "/review/submissions/{sub}/grade",
        (302, 403, 403, 403, 302, 404, 403),
    ),
    "review.release": (
        "POST",
        "/review/submissions/{sub}/release",
        (302, 403, 403, 403, 302, 404, 403),
    ),
}
# Another cohort's work answers exactly like a submission that does not exist.
OBJECT_ENDPOINTS = ["review.submission", "review.claim", "review.grade", "review.release"]
CONCEALS = set(OBJECT_ENDPOINTS)  # checked by tests/test_access.py
MISSING = 999_999


@pytest.fixture
def sub(app, world):
    return make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
@pytest.mark.parametrize("who", WHO)
def test_access_matrix(app, check_access, world, sub, endpoint, who):
    method, url, expected = MATRIX[endpoint]
    url = url.format(sub=sub)
    person = None if who == "anonymous" else world.people[who]
    want = expected[WHO.index(who)]
    data = {}
    if endpoint == "review.grade":
        data = {**grading(world), "version": str(get_submission(app, sub).version)}
    before = snapshot(app)

    check_access(method, url, person, want, data)

    if want in (403, 404) or who == "anonymous":
        assert snapshot(app) == before
    if want in (403, 404):
        [event] = audit_events(app, "access.denied")
        assert (event.actor_id, event.details["endpoint"]) == (world.people[who].id, endpoint)
    if endpoint == "review.grade" and who == "reviewer":
        assert get_submission(app, sub).status == Status.ACCEPTED
    if endpoint == "review.submission" and want == 200:
        assert snapshot(app) == before  # opening claims nothing
        assert get_submission(app, sub).claimed_by_id is None
    if endpoint == "review.claim" and who == "reviewer":
        assert get_submission(app, sub).claimed_by_id == world.people[who].id


@pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS)
@pytest.mark.parametrize("who", ["other_reviewer", "reviewer_student"])
def test_work_one_may_not_review_answers_like_a_missing_one(
    app, client, login, world, make_user, sub, endpoint, who
):
    """Another cohort's submission, or one's own (a reviewer who is also a student), and an id
    that does not exist get the same status and page; the refusal alone is logged."""
    method, url, _expected = MATRIX[endpoint]
    if who == "reviewer_student":
        from app.policy import Role
        from tests.fixtures.homework import assign, enrol

        person = make_user((Role.STUDENT, Role.REVIEWER), name="Both Hats")
        enrol(app, person, world.cohort_a)
        assign(app, person, world.cohort_a)
        target = make_submission(app, person, world.cohort_a, module_id=world.modules["m1"])
    else:
        person, target = world.other_reviewer, sub
    login(client, person)
    before = snapshot(app)
    theirs_url, missing_url = url.format(sub=target), url.format(sub=MISSING)
    if method == "GET":
        theirs, missing = client.get(theirs_url), client.get(missing_url)
    else:
        data = {**grading(world), "version": "1"} if endpoint == "review.grade" else {}
        theirs = post_form(client, theirs_url, data, token_from="/")
        missing = post_form(client, missing_url, data, token_from="/")

    assert (theirs.status_code, missing.status_code) == (404, 404)
    assert as_shown(theirs, theirs_url) == as_shown(missing, missing_url)
    assert snapshot(app) == before
    [event] = audit_events(app, "access.denied")
    assert (event.actor_id, event.details["endpoint"]) == (person.id, endpoint)


def test_unknown_submissions_are_not_found(client, login, world):
    login(client, world.reviewer)
    assert client.get("/review/submissions/999").status_code == 404
    assert post_form(client, "/review/submissions/999/grade", {}, token_from="/").status_code == (
        404
    )
    assert post_form(client, "/review/submissions/999/release", token_from="/").status_code == 404
    assert post_form(client, "/review/submissions/999/claim", token_from="/").status_code == 404
