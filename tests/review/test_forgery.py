"""Forged grading POSTs change nothing and are written to the audit log; nobody reviews their
own work, by the queue, by URL, or in the database."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from app.db import utcnow
from app.extensions import db
from app.homework.models import Status, Submission
from app.policy import Role
from tests.fixtures.app import post_form
from tests.fixtures.homework import (
    HW,
    as_user,
    assign,
    audit_events,
    enrol,
    fact_check,
    get_submission,
    grading,
    latest_submission,
    make_submission,
    open_for_review,
    post_homework,
    review_url,
    snapshot,
)
from tests.review.test_queue import counts_of, names_in_table


@pytest.fixture
def held(app, client, login, world):
    """A submission the cohort's reviewer has opened (and so holds); its form's version."""
    sub = make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])
    login(client, world.reviewer)
    _status, version = open_for_review(client, sub)
    return sub, version


def forged(client, sub, version, world, **extra):
    data = {**grading(world), "version": version, **extra}
    return post_form(client, review_url(sub, "grade"), data, token_from="/")


@pytest.mark.parametrize("who", ["owner", "classmate", "outsider", "other_reviewer", "admin"])
def test_a_grading_post_by_someone_else_changes_nothing_and_is_logged(app, login, world, held, who):
    sub, version = held
    before = snapshot(app)
    intruder = as_user(app, login, world.people[who])

    response = forged(intruder, sub, version, world)

    # A role refusal for those who review nothing; another cohort's work is "not found".
    assert response.status_code == (404 if who == "other_reviewer" else 403)
    assert snapshot(app) == before
    denied = audit_events(app, "access.denied")
    assert [e.actor_id for e in denied] == [world.people[who].id]
    assert denied[0].details["endpoint"] == "review.grade"
    assert audit_events(app, "homework.graded") == []


@pytest.mark.parametrize(
    "extra",
    [
        {"score": "100"},
        {"status": "accepted"},
        {"user_id": "1"},
        {"cohort_id": "2"},
        {"reviewer_id": "1", "points": "9"},
    ],
    ids=lambda extra: ",".join(extra),
)
def test_extra_fields_change_nothing_and_are_logged(app, client, world, held, extra):
    sub, version = held
    before = snapshot(app)

    response = forged(client, sub, version, world, **extra)

    assert response.status_code == 403
    assert snapshot(app) == before
    [event] = audit_events(app, "access.denied")
    assert event.actor_id == world.reviewer.id
    assert all(name in event.details["reason"] for name in extra)
    assert get_submission(app, sub).status == Status.IN_REVIEW


def test_a_criterion_of_another_module_is_an_extra_field(app, client, world, held):
    sub, version = held
    before = snapshot(app)
    alien = world.criteria["m2"][0]
    response = forged(client, sub, version, world, **{f"c-{alien}": "2"})
    assert response.status_code == 403
    assert snapshot(app) == before
    assert len(audit_events(app, "access.denied")) == 1


def test_anonymous_grading_post_changes_nothing(app, world, held):
    sub, version = held
    before = snapshot(app)
    anonymous = app.test_client()
    response = forged(anonymous, sub, version, world)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert snapshot(app) == before


# --- nobody reviews their own work ------------------------------------------------------------


@pytest.fixture
def both(app, make_user, world):
    """Reviewer of cohort A and a student in cohort A."""
    user = make_user((Role.STUDENT, Role.REVIEWER), name="Both Hats")
    enrol(app, user, world.cohort_a)
    assign(app, user, world.cohort_a)
    return user


def test_a_reviewer_student_cannot_see_or_grade_their_own_work(app, client, login, world, both):
    login(client, both)
    assert post_homework(client, fact_check(), submit=True).status_code == 302
    own = latest_submission(app, both, world.modules["m1"]).id
    theirs = make_submission(app, world.classmate, world.cohort_a, module_id=world.modules["m1"])
    before = snapshot(app)

    queue = client.get("/review/").get_data(as_text=True)
    assert names_in_table(queue) == ["Classmate Student"]
    assert counts_of(queue)["Waiting"] == 1
    for state in ("in_review", "returned", "accepted"):
        assert "Both Hats" not in names_in_table(
            client.get(f"/review/?state={state}").get_data(as_text=True)
        )

    assert client.get(review_url(own)).status_code == 404
    response = post_form(
        client, review_url(own, "grade"), {**grading(world), "version": "1"}, token_from="/"
    )
    assert response.status_code == 404
    assert post_form(client, review_url(own, "release"), token_from="/").status_code == 404
    assert post_form(client, review_url(own, "claim"), token_from="/").status_code == 404
    assert snapshot(app) == before
    assert len(audit_events(app, "access.denied")) == 4

    # "Review next" hands out the classmate's work, never their own.
    response = post_form(client, "/review/next", token_from="/review/")
    assert response.headers["Location"].endswith(review_url(theirs))
    response = post_form(client, "/review/next", token_from="/review/")
    assert response.headers["Location"].endswith("/review/")
    assert get_submission(app, own).status == Status.SUBMITTED

    # Their own homework page is the student's view, as for anyone.
    assert client.get(HW).status_code == 200
    # Another reviewer of the cohort reviews it normally.
    other = as_user(app, login, world.reviewer)
    assert open_for_review(other, own)[0] == 200


def test_a_reviewer_in_one_cohort_and_student_in_another(app, client, login, world, make_user):
    user = make_user((Role.STUDENT, Role.REVIEWER), name="Two Cohorts")
    enrol(app, user, world.cohort_a)
    assign(app, user, world.cohort_b)
    login(client, user)
    assert post_homework(client, fact_check(), submit=True).status_code == 302
    own = latest_submission(app, user, world.modules["m1"]).id

    assert names_in_table(client.get("/review/").get_data(as_text=True)) == []
    assert client.get(review_url(own)).status_code == 404
    assert get_submission(app, own).status == Status.SUBMITTED


def test_the_database_refuses_a_self_review(app, world):
    sub = make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])
    with app.app_context():
        row = db.session.get(Submission, sub)
        row.status = Status.ACCEPTED
        row.reviewer_id = world.owner.id
        row.reviewed_at = utcnow()
        with pytest.raises(IntegrityError) as caught:
            db.session.flush()
        assert "no_self_review" in str(caught.value)
        db.session.rollback()
    assert get_submission(app, sub).status == Status.SUBMITTED
