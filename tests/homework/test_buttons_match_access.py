"""A button shows exactly where its route would accept the request (as flaskr's
``test_author_required``): for each state of a student's latest attempt, the homework page offers
the fact-check form only when saving it is accepted, and "Revise and resubmit" only when a
revision would start; a refused request changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.cohorts.models import Cohort
from app.db import utcnow
from app.extensions import db
from app.homework import policy
from app.homework.models import Status, Submission
from tests.fixtures.app import post_form
from tests.fixtures.homework import (
    HW,
    as_user,
    enrol,
    fact_check,
    make_submission,
    post_homework,
    review_url,
    snapshot,
)

REVISE = HW + "/revise"
EDIT_FORM = 'name="claim"'
REVISE_FORM = f'action="{REVISE}"'


def attempt_in(app, world, student, state: str | None, attempt_no: int = 1) -> int | None:
    """The student's attempt of m1 in ``state`` (None: no attempt at all)."""
    if state is None:
        return None
    fields = {}
    if state == Status.IN_REVIEW:
        fields = {"claimed_by_id": world.reviewer.id, "claim_expires_at": utcnow() + timedelta(1)}
    elif state in (Status.ACCEPTED, Status.RETURNED):
        fields = {"reviewer_id": world.reviewer.id, "reviewed_at": utcnow()}
    return make_submission(
        app,
        student,
        world.cohort_a,
        module_id=world.modules["m1"],
        status=Status(state),
        attempt_no=attempt_no,
        **fields,
    )


def attempts_of(app, user) -> list[tuple[int, Status]]:
    with app.app_context():
        rows = db.session.execute(
            db.select(Submission.attempt_no, Submission.status)
            .where(Submission.user_id == user.id)
            .order_by(Submission.attempt_no)
        )
        return [tuple(row) for row in rows]


# state of the latest attempt -> (may edit it, may revise it)
STATES = {
    None: (True, False),
    "draft": (True, False),
    "submitted": (False, False),
    "in_review": (False, False),
    "returned": (False, True),
    "accepted": (False, False),
}


@pytest.mark.parametrize("state", list(STATES), ids=lambda s: s or "none")
def test_the_fact_check_form_shows_only_where_saving_is_accepted(app, login, world, state):
    may_edit, _ = STATES[state]
    attempt_in(app, world, world.owner, state)
    client = as_user(app, login, world.owner)

    html = client.get(HW).get_data(as_text=True)
    assert (EDIT_FORM in html) is may_edit
    assert ('name="save"' in html) is may_edit

    before = snapshot(app)
    response = post_homework(client, fact_check(claim="Changed in place"), version="1")
    if may_edit:
        assert response.status_code == 302
        assert snapshot(app) != before
    else:
        assert response.status_code == 422
        assert snapshot(app) == before


@pytest.mark.parametrize("state", list(STATES), ids=lambda s: s or "none")
def test_revise_shows_only_where_a_revision_would_start(app, login, world, state):
    _, may_revise = STATES[state]
    attempt_in(app, world, world.owner, state)
    client = as_user(app, login, world.owner)

    html = client.get(HW).get_data(as_text=True)
    assert (REVISE_FORM in html) is may_revise

    before = attempts_of(app, world.owner)
    response = post_form(client, REVISE, token_from=HW)
    assert response.status_code == 302
    if may_revise:
        assert attempts_of(app, world.owner) == [(1, Status.RETURNED), (2, Status.DRAFT)]
        assert REVISE_FORM not in client.get(HW).get_data(as_text=True)
    else:
        assert attempts_of(app, world.owner) == before
        if state is not None:
            assert "Only a returned homework can be revised." in client.get(HW).text


@pytest.mark.parametrize("state", [None, "draft", "returned"], ids=lambda s: s or "none")
def test_no_form_and_no_revise_while_the_module_is_not_open(app, login, world, state):
    """An enrolled reviewer may preview their module before it opens, but nothing they do
    there counts: the page offers neither the fact-check form nor "Revise", and both requests
    are refused."""
    enrol(app, world.other_reviewer, world.cohort_a)
    attempt_in(app, world, world.other_reviewer, state)
    with app.app_context():
        db.session.get(Cohort, world.cohort_a).starts_on = date.today() + timedelta(days=30)
        db.session.commit()
    client = as_user(app, login, world.other_reviewer)

    page = client.get(HW)
    assert page.status_code == 200  # the reading preview
    assert "Preview: students see this module from" in page.text
    assert EDIT_FORM not in page.text and REVISE_FORM not in page.text

    before = snapshot(app)
    assert post_form(client, REVISE, token_from=HW).status_code == 403
    assert post_homework(client, fact_check(), version="1").status_code == 403
    assert snapshot(app) == before


@pytest.mark.parametrize("who", ["reviewer", "admin"])
def test_staff_reading_a_returned_attempt_get_no_student_buttons(app, login, world, who):
    """The reviewer's page of a returned attempt offers neither editing nor revising; the
    student's routes refuse staff who are not enrolled."""
    sub = attempt_in(app, world, world.owner, "returned")
    client = as_user(app, login, world.people[who])
    if who == "reviewer":
        html = client.get(review_url(sub)).get_data(as_text=True)
        assert "Returned for revision" in html
        assert EDIT_FORM not in html and "/revise" not in html
    before = snapshot(app)
    assert post_form(client, REVISE, token_from="/").status_code == 403
    assert post_homework(client, fact_check(), version="1", url=HW).status_code == 403
    assert snapshot(app) == before


def test_can_revise_only_the_latest_returned_attempt_of_ones_own(app, world):
    first = attempt_in(app, world, world.owner, "returned")
    with app.app_context():
        old = db.session.get(Submission, first)
        assert policy.can_revise(world.owner, old, module_open=True)
        assert not policy.can_revise(world.owner, old, module_open=False)
        for other in ("classmate", "reviewer", "admin"):
            assert not policy.can_revise(world.people[other], old, module_open=True)
    second = attempt_in(app, world, world.owner, "draft", attempt_no=2)
    with app.app_context():
        old, new = db.session.get(Submission, first), db.session.get(Submission, second)
        assert not policy.can_revise(world.owner, old, module_open=True)  # superseded
        assert not policy.can_revise(world.owner, new, module_open=True)  # a draft
        assert policy.can_edit_submission(world.owner, new)
        assert not policy.can_edit_submission(world.owner, old)
        assert not policy.can_edit_submission(world.classmate, new)
