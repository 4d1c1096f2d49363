"""Each enrolment's progress summary stays equal to what the source tables say, after every kind
of activity the services record (DESIGN.md section 4's rules), and ``recount`` agrees."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.cohorts import summary
from app.cohorts.models import Enrolment
from app.db import utcnow
from app.extensions import db
from app.homework import services as homework
from app.homework.models import Decision, Submission, Verdict
from app.learning import progress, quiz
from app.learning.models import Module, ModuleProgress
from app.review import services as review
from tests.fixtures.homework import build_world
from tests.fixtures.rollback import world_app, world_of


# The homework world (its student, classmate and reviewer), not the admin one this folder's
# other tests use.
@pytest.fixture
def app(request, tmp_path):
    yield from world_app(request, tmp_path, "homework", build_world)


@pytest.fixture
def world(app):
    return world_of(app, "homework", build_world)


RIGHT = {"q1": ["a"], "q2": ["b", "c"]}
WRONG = {"q1": ["b"], "q2": ["a"]}


def from_sources(user_id: int, course_id: int) -> tuple[int, object]:
    """The summary computed from the progress and homework rows, in Python."""
    enrolment = db.session.scalar(
        db.select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
    )
    rows = db.session.execute(
        db.select(ModuleProgress, Module.retired)
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(ModuleProgress.user_id == user_id, Module.course_id == course_id)
    ).all()
    attempts = db.session.scalars(
        db.select(Submission).where(
            Submission.user_id == user_id, Submission.cohort_id == enrolment.cohort_id
        )
    ).all()
    completed = sum(1 for row, retired in rows if row.completed_at and not retired)
    times = [enrolment.enrolled_at]
    times += [row.last_activity_at for row, _retired in rows]
    times += [attempt.updated_at for attempt in attempts]
    return completed, max(times)


def stored(user_id: int, course_id: int) -> tuple[int, object]:
    db.session.expire_all()
    enrolment = db.session.scalar(
        db.select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
    )
    return enrolment.completed_modules, enrolment.last_activity_at


def agrees(user_id: int, course_id: int) -> tuple[int, object]:
    db.session.flush()
    expected = from_sources(user_id, course_id)
    assert stored(user_id, course_id) == expected
    return expected


def fact_check() -> homework.FactCheck:
    return homework.FactCheck(
        claim="Hot water cures flu",
        verdict=Verdict.FALSE,
        reasoning="WHO says no.",
        evidence=[("https://who.int/flu", "WHO page")],
    )


def hand_in(user, module: Module, cohort_id: int) -> Submission:
    draft = homework.save_draft(user, module, cohort_id, fact_check(), language="en")
    return homework.submit(user, draft)


def decide(reviewer, submission: Submission, decision: Decision) -> None:
    assert review.claim(reviewer, submission)
    scores = {c.id: (c.levels[-1]["points"], "") for c in submission_module(submission).criteria}
    review.grade(
        reviewer,
        submission,
        version=submission.version,
        decision=decision,
        scores=scores,
        feedback="",
    )


def submission_module(submission: Submission) -> Module:
    return db.session.get(Module, submission.module_id)


def test_the_summary_follows_every_kind_of_activity(app, world):
    owner, reviewer, course_id, cohort_id = world.owner, world.reviewer, world.course_id, None
    with app.test_request_context():
        cohort_id = world.cohort_a
        m1, m2, m3 = (db.session.get(Module, world.modules[s]) for s in ("m1", "m2", "m3"))
        m1.course.quiz_retry_cooldown = 0  # the second attempt follows the first at once
        assert agrees(owner.id, course_id) == (0, stored(owner.id, course_id)[1])

        progress.mark_lesson_read(owner.id, m1)
        progress.refresh_completion(owner.id, m1)
        agrees(owner.id, course_id)
        progress.record_video_progress(owner.id, m1, "en", [(0, 50)], 50)
        agrees(owner.id, course_id)
        quiz.submit_quiz(owner.id, m1, WRONG, "t-wrong")  # a failed attempt is activity too
        agrees(owner.id, course_id)
        quiz.submit_quiz(owner.id, m1, RIGHT, "t-right")
        assert agrees(owner.id, course_id)[0] == 0

        draft = homework.save_draft(owner, m1, cohort_id, fact_check(), language="en")
        agrees(owner.id, course_id)
        first = homework.submit(owner, draft)
        agrees(owner.id, course_id)
        decide(reviewer, first, Decision.RETURN)  # returned: nothing complete
        assert agrees(owner.id, course_id)[0] == 0
        revision = homework.start_revision(owner, m1)
        agrees(owner.id, course_id)
        second = homework.submit(owner, revision)
        decide(reviewer, second, Decision.ACCEPT)  # accepted: module 1 complete
        assert agrees(owner.id, course_id)[0] == 1
        progress.mark_lesson_read(owner.id, m1)  # completing again counts nothing
        assert not progress.refresh_completion(owner.id, m1)
        assert agrees(owner.id, course_id)[0] == 1

        # Module 2 the other way round: the homework accepted before the quiz is passed.
        progress.mark_lesson_read(owner.id, m2)
        decide(reviewer, hand_in(owner, m2, cohort_id), Decision.ACCEPT)
        assert agrees(owner.id, course_id)[0] == 1
        quiz.submit_quiz(owner.id, m2, RIGHT, "t-m2")
        assert agrees(owner.id, course_id)[0] == 2

        # A module retired by a content import no longer counts (the importer recounts).
        m3.retired = True
        db.session.flush()
        summary.recount(Enrolment.course_id == course_id)
        assert agrees(owner.id, course_id)[0] == 2
        m2.retired = True
        db.session.flush()
        summary.recount(Enrolment.course_id == course_id)
        assert agrees(owner.id, course_id)[0] == 1
        m2.retired = m3.retired = False
        db.session.flush()
        summary.recount(Enrolment.course_id == course_id)
        assert agrees(owner.id, course_id)[0] == 2
        db.session.commit()


def test_activity_never_moves_back_and_stays_in_its_course(app, world):
    owner, classmate = world.owner, world.classmate
    with app.app_context():
        m1 = db.session.get(Module, world.modules["m1"])
        later = utcnow() + timedelta(hours=1)
        summary.note_activity(owner.id, later, course_id=world.course_id)
        summary.note_activity(owner.id, later - timedelta(hours=2), course_id=world.course_id)
        assert stored(owner.id, world.course_id)[1] == later
        before = stored(classmate.id, world.course_id)
        progress.mark_lesson_read(owner.id, m1)
        assert stored(classmate.id, world.course_id) == before
        db.session.commit()


@pytest.mark.parametrize("scope", ["cohort", "user"])
def test_recount_repairs_a_summary(app, world, scope):
    owner = world.owner
    with app.app_context():
        m1 = db.session.get(Module, world.modules["m1"])
        progress.mark_lesson_read(owner.id, m1)
        expected = agrees(owner.id, world.course_id)
        db.session.execute(db.update(Enrolment).values(completed_modules=5, last_activity_at=None))
        where = (
            Enrolment.cohort_id == world.cohort_a
            if scope == "cohort"
            else Enrolment.user_id == owner.id
        )
        summary.recount(where)
        assert stored(owner.id, world.course_id) == expected
        db.session.commit()


def test_flask_cohorts_recount(app, world):
    with app.app_context():
        db.session.execute(db.update(Enrolment).values(completed_modules=3))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["cohorts", "recount", "--cohort", world.cohort_a])
    assert result.exit_code == 0, result.output
    with app.app_context():
        by_cohort = dict(
            db.session.execute(
                db.select(Enrolment.cohort_id, db.func.max(Enrolment.completed_modules)).group_by(
                    Enrolment.cohort_id
                )
            ).all()
        )
    assert by_cohort == {world.cohort_a: 0, world.cohort_b: 3}


def test_flask_cohorts_recount_repairs_quiz_attempt_counts(app, world):
    owner = world.owner
    with app.app_context():
        m1 = db.session.get(Module, world.modules["m1"])
        m1.course.quiz_retry_cooldown = 0
        quiz.submit_quiz(owner.id, m1, WRONG, "t-wrong")
        quiz.submit_quiz(owner.id, m1, RIGHT, "t-right")
        db.session.execute(db.update(ModuleProgress).values(quiz_attempts=9))
        db.session.commit()
        m1_id = m1.id
    result = app.test_cli_runner().invoke(args=["cohorts", "recount", "--cohort", world.cohort_a])
    assert result.exit_code == 0, result.output
    with app.app_context():
        row = db.session.scalar(
            db.select(ModuleProgress).where(
                ModuleProgress.user_id == owner.id, ModuleProgress.module_id == m1_id
            )
        )
        assert row.quiz_attempts == 2 and row.quiz_passed_at is not None
