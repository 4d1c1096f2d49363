"""Double marking through the real pages: the sample, the blind second grade, one outcome for
the student, disagreements settled by an admin, the audit trail and the statistics."""

from __future__ import annotations

import pytest

from app.cohorts.models import Cohort
from app.extensions import db
from app.homework.models import Notification, Review, Status
from app.policy import Role
from app.review import services
from app.review.double import choose
from app.review.models import BlindGrade, DoubleMarking, MarkingState
from tests.fixtures.app import make_user_in, post_form
from tests.fixtures.homework import (
    HW,
    as_user,
    assign,
    audit_events,
    count,
    get_submission,
    grading,
    make_submission,
    open_for_review,
    post_grade,
    review_url,
)

AGREEMENT = "/admin/cohorts/{a}/agreement"


@pytest.fixture
def second(app, world):
    """Another reviewer of cohort A."""
    user = make_user_in(app)(
        Role.REVIEWER, name="Second Reviewer", email="second@example.com", locale="en"
    )
    assign(app, user, world.cohort_a)
    return user


@pytest.fixture
def marked(app, world):
    """The owner's waiting attempt, marked for double marking (100% of one)."""
    sub = make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])
    with app.app_context():
        chosen = services.mark_sample(world.admin, db.session.get(Cohort, world.cohort_a), 100)
        db.session.commit()
    assert chosen == {world.modules["m1"]: 1}
    return sub


def marking(app, sub) -> DoubleMarking:
    with app.app_context():
        found = db.session.scalar(
            db.select(DoubleMarking).where(DoubleMarking.submission_id == sub)
        )
        _ = found.grades
        db.session.expunge_all()
        return found


def test_the_sample_is_a_reproducible_share_per_module():
    ids = list(range(1, 41))
    picked = choose(ids, 10, "seed-1", module_id=7)
    assert len(picked) == 4 and set(picked) <= set(ids)
    assert choose(list(reversed(ids)), 10, "seed-1", module_id=7) == picked
    assert choose(ids, 10, "seed-2", module_id=7) != picked
    assert choose(ids, 10, "seed-1", module_id=8) != picked
    assert len(choose(ids[:3], 10, "s", 1)) == 1  # rounded up: a small module is sampled too
    assert choose([], 10, "s", 1) == [] and choose(ids, 0, "s", 1) == []


def test_admin_marks_a_sample_through_the_page(app, login, world):
    for user in (world.owner, world.classmate):
        for slug in ("m1", "m2"):
            make_submission(app, user, world.cohort_a, module_id=world.modules[slug])
    make_submission(app, world.outsider, world.cohort_b, module_id=world.modules["m1"])
    admin = as_user(app, login, world.admin)
    url = AGREEMENT.format(a=world.cohort_a)
    bad = post_form(admin, url + "/sample", {"share": "0"}, token_from=url)
    assert bad.status_code == 422 and "between 1 and 100" in bad.get_data(as_text=True)
    response = post_form(admin, url + "/sample", {"share": "50", "seed": "abc"}, token_from=url)
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.execute(db.select(DoubleMarking.cohort_id, DoubleMarking.module_id)).all()
    # 50% of two waiting attempts in each module of A, none of B.
    assert sorted(rows) == sorted(
        [(world.cohort_a, world.modules["m1"]), (world.cohort_a, world.modules["m2"])]
    )
    (event,) = audit_events(app, "review.sample_marked")
    assert event.details.items() >= {"share": 50, "seed": "abc", "marked": 2, "waiting": 4}.items()
    # A second sampling draws only from what is not marked yet.
    post_form(admin, url + "/sample", {"share": "100"}, token_from=url)
    assert count(app, DoubleMarking) == 4


def test_agreeing_grades_publish_one_outcome_when_both_are_in(
    app, login, world, second, marked, mailbox
):
    first = as_user(app, login, world.reviewer)
    data = grading(world, points=(2, 1), feedback="First: well argued.")
    response = post_grade(first, marked, data)
    assert response.status_code == 302
    assert "double-marked" in first.get(response.headers["Location"]).get_data(as_text=True)

    # Held back: the student sees nothing yet, nobody was told.
    sub = get_submission(app, marked)
    assert sub.status == Status.SUBMITTED and sub.claimed_by_id is None
    assert count(app, Review) == 0 and count(app, Notification) == 0
    assert mailbox.to(world.owner.email) == []
    student = as_user(app, login, world.owner)
    page = student.get(HW).get_data(as_text=True)
    assert "waiting for review" in page and "First: well argued." not in page
    assert marking(app, marked).state == MarkingState.SECOND

    # The first reviewer may not give the second grade.
    view = first.get(review_url(marked)).get_data(as_text=True)
    assert "Your grade is recorded" in view and review_url(marked, "claim") not in view
    post_form(first, review_url(marked, "claim"), token_from=review_url(marked))
    assert get_submission(app, marked).status == Status.SUBMITTED
    assert review_url(marked) not in first.get("/review/").get_data(as_text=True)

    # The second reviewer sees the attempt, not the first grade.
    other = as_user(app, login, second)
    assert review_url(marked) in other.get("/review/").get_data(as_text=True)
    status, version = open_for_review(other, marked)
    shown = other.get(review_url(marked)).get_data(as_text=True)
    assert status == 200 and "First: well argued." not in shown
    response = post_grade(
        other, marked, grading(world, points=(1, 1), feedback="Second: fine."), version
    )
    assert response.status_code == 302

    sub = get_submission(app, marked)
    assert sub.status == Status.ACCEPTED and sub.reviewer_id == world.reviewer.id
    with app.app_context():
        review = db.session.scalar(db.select(Review))
        assert review.feedback == "First: well argued."
        assert [s.points for s in review.scores] == [2, 1]
    assert count(app, Notification) == 1
    assert len(mailbox.to(world.owner.email)) == 1
    assert marking(app, marked).state == MarkingState.AGREED
    for action in (
        "review.first_grade_held",
        "review.second_grade_given",
        "review.grades_agreed",
        "homework.graded",
    ):
        assert len(audit_events(app, action)) == 1, action

    # The statistics: one pair; criterion 1 differs (2 vs 1), criterion 2 agrees.
    admin = as_user(app, login, world.admin)
    html = admin.get(AGREEMENT.format(a=world.cohort_a)).get_data(as_text=True)
    assert "Agreement per rubric criterion" in html and "100%" in html and "0%" in html


def test_disagreement_waits_for_an_admin_who_settles_it(app, login, world, second, marked, mailbox):
    first = as_user(app, login, world.reviewer)
    post_grade(first, marked, grading(world, feedback="First says accept."))
    other = as_user(app, login, second)
    post_grade(
        other,
        marked,
        grading(world, points=(0, 1), decision="return", feedback="Second says revise."),
    )
    sub = get_submission(app, marked)
    found = marking(app, marked)
    assert found.state == MarkingState.DISPUTED and sub.status == Status.SUBMITTED
    assert count(app, Review) == 0 and mailbox.to(world.owner.email) == []
    (event,) = audit_events(app, "review.grades_disagreed")
    assert event.details["first"] == "accept" and event.details["second"] == "return"

    # Out of every reviewer's queue: nobody can take it.
    for client in (first, other):
        assert review_url(marked) not in client.get("/review/").get_data(as_text=True)
        post_form(client, review_url(marked, "claim"), token_from=review_url(marked))
    assert get_submission(app, marked).status == Status.SUBMITTED

    admin = as_user(app, login, world.admin)
    board = admin.get(AGREEMENT.format(a=world.cohort_a)).get_data(as_text=True)
    dispute_url = AGREEMENT.format(a=world.cohort_a) + f"/{found.id}"
    assert dispute_url in board
    page = admin.get(dispute_url).get_data(as_text=True)
    assert "First says accept." in page and "Second says revise." in page
    missing = post_form(admin, dispute_url + "/settle", {}, token_from=dispute_url)
    assert missing.status_code == 422
    settled = post_form(admin, dispute_url + "/settle", {"chosen": "2"}, token_from=dispute_url)
    assert settled.status_code == 302

    sub = get_submission(app, marked)
    assert sub.status == Status.RETURNED and sub.reviewer_id == second.id
    with app.app_context():
        assert db.session.scalar(db.select(Review.feedback)) == "Second says revise."
    assert len(mailbox.to(world.owner.email)) == 1
    assert marking(app, marked).state == MarkingState.SETTLED
    (event,) = audit_events(app, "review.disagreement_settled")
    assert event.actor_id == world.admin.id and event.details["chosen"] == 2
    # The student reads the settled grade only.
    student = as_user(app, login, world.owner)
    page = student.get(HW).get_data(as_text=True)
    assert "Second says revise." in page and "First says accept." not in page
    # Settling twice is a conflict, and changes nothing.
    again = post_form(admin, dispute_url + "/settle", {"chosen": "1"}, token_from=dispute_url)
    assert again.status_code == 409
    assert count(app, Review) == 1


def test_the_same_reviewer_is_refused_by_the_database_too(app, world, second, marked):
    """Even past the services' checks, one reviewer cannot hold both grades of an attempt."""
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        found = db.session.scalar(db.select(DoubleMarking))
        for n in (1, 2):
            db.session.add(
                BlindGrade(
                    marking_id=found.id, round=n, reviewer_id=world.reviewer.id, decision="accept"
                )
            )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_a_reviewer_of_another_cohort_sees_no_agreement_data(app, login, world, marked):
    outsider = as_user(app, login, world.other_reviewer)
    assert outsider.get(AGREEMENT.format(a=world.cohort_a)).status_code == 404
    own = as_user(app, login, world.reviewer)
    html = own.get(AGREEMENT.format(a=world.cohort_a)).get_data(as_text=True)
    # Read-only for the cohort's reviewer: no sampling form, no disputes.
    assert "Agreement per rubric criterion" in html and "/agreement/sample" not in html


def test_an_admin_may_publish_a_first_grade_no_second_reviewer_can_give(
    app, login, world, marked, mailbox
):
    """Cohort A has one reviewer: the held-back grade would wait for ever."""
    first = as_user(app, login, world.reviewer)
    assert post_grade(first, marked, grading(world, feedback="Alone.")).status_code == 302
    found = marking(app, marked)
    assert found.state == MarkingState.SECOND, found.state
    admin = as_user(app, login, world.admin)
    board = admin.get(AGREEMENT.format(a=world.cohort_a)).get_data(as_text=True)
    url = AGREEMENT.format(a=world.cohort_a) + f"/{found.id}"
    assert "First grades waiting for a second" in board and url in board
    assert "Publish the first grade alone" in admin.get(url).get_data(as_text=True)
    # Only the first grade can be published alone.
    second = post_form(admin, url + "/settle", {"chosen": "2"}, token_from=url)
    assert second.status_code == 409
    response = post_form(admin, url + "/settle", {"chosen": "1"}, token_from=url)
    assert response.status_code == 302
    sub = get_submission(app, marked)
    assert sub.status == Status.ACCEPTED and sub.reviewer_id == world.reviewer.id
    assert len(mailbox.to(world.owner.email)) == 1
    assert len(audit_events(app, "review.first_grade_released")) == 1
    # No pair: nothing in the statistics.
    with app.app_context():
        assert services.decision_agreement(world.cohort_a).n == 0
