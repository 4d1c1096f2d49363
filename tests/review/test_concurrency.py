"""Race conditions on PostgreSQL: reviewers claiming the same submission at once, and the same
grade posted twice at once. Exactly one wins; the others get a clean conflict."""

from __future__ import annotations

import threading

import pytest

from app.auth.models import User
from app.extensions import db
from app.homework.models import Decision, Review, Status, Submission
from app.homework.services import Conflict
from app.policy import Role
from app.review import services
from tests.fixtures.app import post_form
from tests.fixtures.homework import (
    as_user,
    assign,
    audit_events,
    count,
    get_submission,
    make_submission,
    open_for_review,
)

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def app(fresh_app):
    """Threads (or a live server) use connections of their own: real commits."""
    return fresh_app


@pytest.fixture
def reviewers(app, make_user, world):
    """Four reviewers of cohort A."""
    made = [world.reviewer]
    for n in range(3):
        user = make_user(Role.REVIEWER, name=f"Reviewer A{n + 2}")
        assign(app, user, world.cohort_a)
        made.append(user)
    return made


@pytest.fixture
def sub(app, world):
    return make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])


def run_at_once(jobs):
    """Run the callables in threads, released together; their results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        try:
            results[i] = job(barrier)
        except Exception as exc:  # reported to the test, not lost in the thread
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


def test_reviewers_claiming_at_once_one_wins(app, world, reviewers, sub):
    def claim_as(user_id):
        def job(barrier):
            with app.app_context():
                reviewer = db.session.get(User, user_id)
                submission = db.session.get(Submission, sub)
                barrier.wait(timeout=10)
                won = services.claim(reviewer, submission)
                db.session.commit()
                return won

        return job

    results = run_at_once([claim_as(r.id) for r in reviewers])

    assert [r for r in results if not isinstance(r, bool)] == []
    assert results.count(True) == 1
    winner = reviewers[results.index(True)]
    claimed = get_submission(app, sub)
    assert (claimed.status, claimed.claimed_by_id) == (Status.IN_REVIEW, winner.id)


def test_review_next_from_several_browsers_at_once_hands_out_one(app, login, reviewers, sub):
    clients = [as_user(app, login, r) for r in reviewers]
    for c in clients:  # the CSRF token, fetched before the race
        c.get("/review/")

    def post_next(client):
        def job(barrier):
            barrier.wait(timeout=10)
            return post_form(client, "/review/next", token_from="/").headers["Location"]

        return job

    locations = run_at_once([post_next(c) for c in clients])

    assert sum(loc.endswith(f"/review/submissions/{sub}") for loc in locations) == 1
    assert sum(loc.endswith("/review/") for loc in locations) == len(clients) - 1
    claimed = get_submission(app, sub)
    assert (
        claimed.claimed_by_id
        == reviewers[[loc.endswith(f"/submissions/{sub}") for loc in locations].index(True)].id
    )


def test_the_same_grade_posted_twice_at_once_is_recorded_once(app, client, login, world, sub):
    login(client, world.reviewer)
    _status, version = open_for_review(client, sub)
    criteria = world.criteria["m1"]

    def grade(barrier):
        with app.test_request_context():
            reviewer = db.session.get(User, world.reviewer.id)
            submission = db.session.get(Submission, sub)
            barrier.wait(timeout=10)
            services.grade(
                reviewer,
                submission,
                version=int(version),
                decision=Decision.ACCEPT,
                scores={cid: (2, "") for cid in criteria},
                feedback="Good",
            )
            db.session.commit()
            return "graded"

    results = run_at_once([grade, grade, grade])

    assert results.count("graded") == 1
    losers = [r for r in results if r != "graded"]
    assert all(isinstance(r, Conflict) for r in losers), losers
    assert count(app, Review) == 1
    assert get_submission(app, sub).status == Status.ACCEPTED
    assert len(audit_events(app, "homework.graded")) == 1


def test_two_reviewers_grading_an_unclaimed_submission_at_once(app, world, reviewers, sub):
    """Neither opened the page first: grading claims, and only one claim can win."""
    criteria = world.criteria["m1"]
    version = get_submission(app, sub).version

    def grade_as(user_id):
        def job(barrier):
            with app.test_request_context():
                reviewer = db.session.get(User, user_id)
                submission = db.session.get(Submission, sub)
                barrier.wait(timeout=10)
                services.grade(
                    reviewer,
                    submission,
                    version=version,
                    decision=Decision.RETURN,
                    scores={cid: (1, "") for cid in criteria},
                    feedback="",
                )
                db.session.commit()
                return "graded"

        return job

    results = run_at_once([grade_as(r.id) for r in reviewers[:2]])

    assert results.count("graded") == 1
    assert all(isinstance(r, Conflict) for r in results if r != "graded"), results
    assert count(app, Review) == 1
    assert get_submission(app, sub).status == Status.RETURNED
