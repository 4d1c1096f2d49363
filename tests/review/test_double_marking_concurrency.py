"""Double marking under races on PostgreSQL: second grades posted at once, two admins settling
at once, and a sampling racing a grade. Exactly one wins; the student gets one outcome."""

from __future__ import annotations

import pytest

from app.auth.models import User
from app.cohorts.models import Cohort
from app.extensions import db
from app.homework.models import Decision, Review, Status, Submission
from app.homework.services import Conflict
from app.policy import Role
from app.review import services
from app.review.models import BlindGrade, DoubleMarking, MarkingState
from tests.fixtures.homework import assign, audit_events, count, get_submission, make_submission
from tests.review.test_concurrency import run_at_once

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def app(fresh_app):
    return fresh_app


@pytest.fixture
def reviewers(app, make_user, world):
    made = [world.reviewer]
    for n in range(3):
        user = make_user(Role.REVIEWER, name=f"Reviewer A{n + 2}")
        assign(app, user, world.cohort_a)
        made.append(user)
    return made


@pytest.fixture
def sub(app, world):
    return make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])


def mark(app, world, share=100):
    with app.app_context():
        admin = db.session.get(User, world.admin.id)
        services.mark_sample(admin, db.session.get(Cohort, world.cohort_a), share, "s")
        db.session.commit()


def grade(app, world, user_id, sub, decision=Decision.ACCEPT, barrier=None):
    with app.test_request_context():
        reviewer = db.session.get(User, user_id)
        submission = db.session.get(Submission, sub)
        if barrier is not None:
            barrier.wait(timeout=10)
        services.grade(
            reviewer,
            submission,
            version=submission.version,
            decision=decision,
            scores={cid: (2, "") for cid in world.criteria["m1"]},
            feedback="",
        )
        db.session.commit()
        return "graded"


def test_second_grades_at_once_one_is_recorded(app, world, reviewers, sub):
    mark(app, world)
    grade(app, world, reviewers[0].id, sub)
    results = run_at_once(
        [lambda b, r=r: grade(app, world, r.id, sub, barrier=b) for r in reviewers[1:]]
    )
    assert results.count("graded") == 1, results
    assert all(isinstance(r, Conflict) for r in results if r != "graded"), results
    assert count(app, BlindGrade) == 2 and count(app, Review) == 1
    assert get_submission(app, sub).status == Status.ACCEPTED
    assert len(audit_events(app, "homework.graded")) == 1


def test_two_admins_settling_at_once_publish_once(app, world, reviewers, sub, make_user):
    mark(app, world)
    grade(app, world, reviewers[0].id, sub, Decision.ACCEPT)
    grade(app, world, reviewers[1].id, sub, Decision.RETURN)
    second_admin = make_user(Role.ADMIN, name="Admin Two")

    def settle(admin_id, choice):
        def job(barrier):
            with app.test_request_context():
                admin = db.session.get(User, admin_id)
                marking = db.session.scalar(db.select(DoubleMarking))
                barrier.wait(timeout=10)
                services.settle(admin, marking, choice)
                db.session.commit()
                return "settled"

        return job

    results = run_at_once([settle(world.admin.id, 1), settle(second_admin.id, 2)])
    assert results.count("settled") == 1, results
    assert all(isinstance(r, Conflict) for r in results if r != "settled"), results
    assert count(app, Review) == 1
    with app.app_context():
        marking = db.session.scalar(db.select(DoubleMarking))
        review = db.session.scalar(db.select(Review))
        assert marking.state == MarkingState.SETTLED
        chosen = marking.grade(marking.settled_round)
        assert review.decision == chosen.decision
    assert len(audit_events(app, "review.disagreement_settled")) == 1


def test_a_sampling_racing_a_grade_never_marks_a_published_outcome(app, world, sub):
    def sample(barrier):
        with app.test_request_context():
            admin = db.session.get(User, world.admin.id)
            barrier.wait(timeout=10)
            services.mark_sample(admin, db.session.get(Cohort, world.cohort_a), 100, "s")
            db.session.commit()
            return "marked"

    results = run_at_once([sample, lambda b: grade(app, world, world.reviewer.id, sub, barrier=b)])
    assert sorted(map(str, results)) == ["graded", "marked"], results
    with app.app_context():
        marking = db.session.scalar(db.select(DoubleMarking))
        submission = db.session.get(Submission, sub)
        reviews = count(app, Review)
    if marking is None:  # the grade came first: published, never sampled
        assert submission.status == Status.ACCEPTED and reviews == 1
    else:  # the sampling came first: the grade was held back as the first blind grade
        assert marking.state == MarkingState.SECOND and reviews == 0
        assert submission.status == Status.SUBMITTED
