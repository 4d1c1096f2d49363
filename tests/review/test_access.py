"""Access matrix for the review routes: anonymous, the student who wrote the work, another
student of the cohort, a student of another cohort, the cohort's reviewer, a reviewer of another
cohort, an admin (who reviews only where assigned as a reviewer). Refusals are audited and
change nothing."""

from __future__ import annotations

import pytest

from app.homework.models import Status
from tests.conftest import post_form
from tests.homework.fixtures import (
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
    "review.grade",
    "review.release",
}

WHO = ["anonymous", "owner", "classmate", "outsider", "reviewer", "other_reviewer", "admin"]

MATRIX = {
    "review.queue": ("GET", "/review/", (302, 403, 403, 403, 200, 200, 403)),
    "review.claim_next": ("POST", "/review/next", (302, 403, 403, 403, 302, 302, 403)),
    "review.submission": ("GET", "/review/submissions/{sub}", (302, 403, 403, 403, 200, 403, 403)),
    "review.grade": (
        "POST",
        "/review/submissions/{sub}/grade",
        (302, 403, 403, 403, 302, 403, 403),
    ),
    "review.release": (
        "POST",
        "/review/submissions/{sub}/release",
        (302, 403, 403, 403, 302, 403, 403),
    ),
}


@pytest.fixture
def sub(app, world):
    return make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
@pytest.mark.parametrize("who", WHO)
def test_access_matrix(app, client, login, world, sub, endpoint, who):
    method, url, expected = MATRIX[endpoint]
    url = url.format(sub=sub)
    if who != "anonymous":
        login(client, world.people[who])
    before = snapshot(app)

    if method == "GET":
        response = client.get(url)
    else:
        data = {}
        if endpoint == "review.grade":
            data = {**grading(world), "version": str(get_submission(app, sub).version)}
        response = post_form(client, url, data, token_from="/")

    want = expected[WHO.index(who)]
    assert response.status_code == want, (endpoint, who)
    if want == 302 and who == "anonymous":
        assert "/login?next=" in response.headers["Location"]
    if want == 403 or who == "anonymous":
        assert snapshot(app) == before
    if want == 403:
        [event] = audit_events(app, "access.denied")
        assert (event.actor_id, event.details["endpoint"]) == (world.people[who].id, endpoint)
    if endpoint == "review.grade" and who == "reviewer":
        assert get_submission(app, sub).status == Status.ACCEPTED
    if endpoint == "review.submission" and want == 200:
        assert get_submission(app, sub).claimed_by_id == world.people[who].id


def test_unknown_submissions_are_not_found(client, login, world):
    login(client, world.reviewer)
    assert client.get("/review/submissions/999").status_code == 404
    assert post_form(client, "/review/submissions/999/grade", {}, token_from="/").status_code == (
        404
    )
    assert post_form(client, "/review/submissions/999/release", token_from="/").status_code == 404
