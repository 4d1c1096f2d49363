"""Access matrix for the homework routes: anonymous, the student who owns the work, another
student of the cohort, a student of another cohort, the cohort's reviewer, a reviewer of another
cohort, an admin. Every refusal of someone else's work is written to the audit log."""

from __future__ import annotations

import pytest

from app.db import utcnow
from app.extensions import db
from app.homework.models import Notification, Screenshot, Status
from tests.fixtures.app import post_form
from tests.fixtures.homework import (
    HW,
    as_shown,
    as_user,
    audit_events,
    fact_check,
    latest_submission,
    post_homework,
    set_fields,
    snapshot,
)
from tests.fixtures.images import png

ENDPOINTS = {
    "homework.homework",
    "homework.revise",
    "homework.screenshot",
    "homework.claimreview",
    "homework.notices",
    "homework.mark_notice_read",
    "homework.mark_all_notices_read",
}

WHO = ["anonymous", "owner", "classmate", "outsider", "reviewer", "other_reviewer", "admin"]

# endpoint -> (method, url template, expected status for each of WHO)
MATRIX = {
    "homework.homework": ("GET", HW, (302, 200, 200, 200, 403, 403, 403)),
    # Anonymous: 401 with the posted text shown back to copy (test_lost_work.py), not a redirect.
    "homework.homework:post": ("POST", HW, (401, 422, 302, 302, 403, 403, 403)),
    "homework.revise": ("POST", HW + "/revise", (302, 302, 302, 302, 403, 403, 403)),
    "homework.screenshot": (
        "GET",
        "/homework/screenshots/{shot}",
        (302, 200, 404, 404, 200, 404, 200),
    ),
    "homework.claimreview": (
        "GET",
        "/homework/{sub}/claimreview.json",
        (302, 200, 404, 404, 200, 404, 200),
    ),
    "homework.notices": ("GET", "/notifications", (302, 200, 200, 200, 200, 200, 200)),
    "homework.mark_notice_read": (
        "POST",
        "/notifications/{notice}/read",
        (302, 302, 404, 404, 404, 404, 404),
    ),
    "homework.mark_all_notices_read": (
        "POST",
        "/notifications/read",
        (302, 302, 302, 302, 302, 302, 302),
    ),
}

# Routes that load one object by id: (method, url template, what the id names, who may not
# see it). Refused, each answers exactly as for an id that does not exist.
OBJECT_ROUTES = {
    "homework.screenshot": (
        "GET",
        "/homework/screenshots/{id}",
        "shot",
        ["classmate", "outsider", "other_reviewer"],
    ),
    "homework.claimreview": (
        "GET",
        "/homework/{id}/claimreview.json",
        "sub",
        ["classmate", "outsider", "other_reviewer"],
    ),
    "homework.mark_notice_read": (
        "POST",
        "/notifications/{id}/read",
        "notice",
        ["classmate", "outsider", "reviewer", "other_reviewer", "admin"],
    ),
}
CONCEALS = set(OBJECT_ROUTES)  # checked by tests/test_access.py
MISSING = 999_999


@pytest.fixture
def accepted(app, login, world):
    """The owner's accepted fact-check with one screenshot: (submission id, screenshot id)."""
    owner = as_user(app, login, world.owner)
    shots = [(png(), "shot.png")]
    assert post_homework(owner, fact_check(), shots=shots, submit=True).status_code == 302
    sub = latest_submission(app, world.owner, world.modules["m1"])
    set_fields(
        app, sub.id, status=Status.ACCEPTED, reviewer_id=world.reviewer.id, reviewed_at=utcnow()
    )
    return sub.id, sub.screenshots[0].id


@pytest.fixture
def notice(app, world, accepted) -> int:
    """The owner's unread notice of the acceptance."""
    with app.app_context():
        row = Notification(
            user_id=world.owner.id, kind="homework_accepted", submission_id=accepted[0]
        )
        db.session.add(row)
        db.session.commit()
        return row.id


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
@pytest.mark.parametrize("who", WHO)
def test_access_matrix(app, check_access, world, accepted, notice, endpoint, who):
    method, url, expected = MATRIX[endpoint]
    sub, shot = accepted
    url = url.format(sub=sub, shot=shot, notice=notice)
    person = None if who == "anonymous" else world.people[who]
    want = expected[WHO.index(who)]
    data = fact_check(save="x") if endpoint.endswith(":post") else {}
    before = snapshot(app)

    check_access(method, url, person, want, data, content_type="multipart/form-data")

    if want in (403, 404, 422) or who == "anonymous":
        assert snapshot(app) == before
    if want == 404 and endpoint in OBJECT_ROUTES:
        [event] = audit_events(app, "access.denied")
        assert event.actor_id == world.people[who].id
        assert event.details["endpoint"] == endpoint


def _request(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    return post_form(client, url, token_from="/")


@pytest.mark.parametrize(
    "endpoint, who",
    [(endpoint, who) for endpoint, (*_rest, refused) in OBJECT_ROUTES.items() for who in refused],
)
def test_someone_elses_object_answers_like_a_missing_one(
    app, client, login, world, accepted, notice, endpoint, who
):
    """No id can be probed: another's screenshot, export or notice and an id that does not
    exist get the same status and the same page; only the refusal is logged."""
    method, url, names, _refused = OBJECT_ROUTES[endpoint]
    sub, shot = accepted
    real = {"sub": sub, "shot": shot, "notice": notice}[names]
    login(client, world.people[who])
    before = snapshot(app)

    theirs_url, missing_url = url.format(id=real), url.format(id=MISSING)
    theirs = _request(client, method, theirs_url)
    missing = _request(client, method, missing_url)

    assert (theirs.status_code, missing.status_code) == (404, 404)
    assert as_shown(theirs, theirs_url) == as_shown(missing, missing_url)
    assert theirs.mimetype == missing.mimetype
    assert snapshot(app) == before
    [event] = audit_events(app, "access.denied")
    assert (event.actor_id, event.details["endpoint"]) == (world.people[who].id, endpoint)


@pytest.mark.parametrize("who", ["owner", "reviewer", "admin"])
def test_a_screenshot_is_served_as_a_download_to_those_allowed(
    app, client, login, world, accepted, who
):
    _sub, shot = accepted
    login(client, world.people[who])
    response = client.get(f"/homework/screenshots/{shot}")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG\r\n\x1a\n")


def test_unknown_or_missing_screenshots_are_not_found(app, client, login, world, accepted):
    _sub, shot = accepted
    login(client, world.owner)
    assert client.get("/homework/screenshots/9999").status_code == 404
    from app import storage
    from app.extensions import db

    with app.test_request_context():
        storage.path_of(db.session.get(Screenshot, shot).stored_name).unlink()
    assert client.get(f"/homework/screenshots/{shot}").status_code == 404


def test_a_screenshot_of_a_draft_is_not_shown_to_other_students(app, client, login, world):
    owner = as_user(app, login, world.owner)
    assert post_homework(owner, fact_check(), shots=[(png(), "d.png")]).status_code == 302
    shot = latest_submission(app, world.owner, world.modules["m1"]).screenshots[0].id
    login(client, world.classmate)
    assert client.get(f"/homework/screenshots/{shot}").status_code == 404
    assert owner.get(f"/homework/screenshots/{shot}").status_code == 200


def test_a_student_of_another_course_cannot_open_the_homework(app, client, login, world, make_user):
    from tests.fixtures.course import build_course
    from tests.fixtures.homework import enrol

    with app.app_context():
        from app.cohorts import services as cohorts
        from app.extensions import db

        other = build_course(1, slug="other")
        cohort = cohorts.create_cohort(other, "Other")
        db.session.commit()
        cohort_id = cohort.id
    stranger = make_user()
    enrol(app, stranger, cohort_id)
    login(client, stranger)
    assert client.get(HW).status_code == 404
    assert post_form(client, HW, fact_check(save="x")).status_code == 404


def test_the_homework_of_a_locked_module_is_refused_and_logged(app, client, login, world):
    login(client, world.owner)
    url = "/courses/demo/modules/m2/homework"
    assert client.get(url).status_code == 403
    assert post_form(client, url, fact_check(save="x"), token_from="/").status_code == 403
    assert [e.details["endpoint"] for e in audit_events(app, "access.denied")] == [
        "homework.homework",
        "homework.homework",
    ]
    assert latest_submission(app, world.owner, world.modules["m2"]) is None
