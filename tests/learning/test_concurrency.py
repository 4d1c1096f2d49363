"""Concurrent requests of one student on PostgreSQL: the same quiz form recorded once, every
different attempt counted, one progress row however many requests start a module."""

import threading

import pytest

from app.extensions import db
from app.learning import progress, quiz
from app.learning.models import Course, Module, ModuleProgress, QuizAttempt

pytestmark = pytest.mark.postgres_only


def at_once(app, count: int, work) -> list:
    """Run ``work(n, module)`` in ``count`` threads released together, each in its own app
    context and transaction (committed after ``work``); returns what they returned."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(n: int) -> None:
        try:
            with app.app_context():
                module = db.session.scalar(db.select(Module).where(Module.slug == "m1"))
                barrier.wait(timeout=10)
                result = work(n, module)
                db.session.commit()
                results.append(result)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


def count_of(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_the_same_quiz_form_submitted_at_once_is_recorded_once(app, student, course):
    answers = {"q1": ["a"], "q2": ["b", "c"]}
    ids = at_once(
        app, 6, lambda n, m: quiz.submit_quiz(student.id, m, answers, "same-token").attempt.id
    )
    assert len(set(ids)) == 1
    with app.app_context():
        assert count_of(QuizAttempt) == 1
        assert db.session.scalar(db.select(ModuleProgress.quiz_attempts)) == 1


def test_different_attempts_at_once_are_all_counted(app, student, course):
    """With no cooldown every attempt counts (with one, see test_quiz_rules)."""
    with app.app_context():
        db.session.execute(db.update(Course).values(quiz_retry_cooldown=0))
        db.session.commit()
    answers = {"q1": ["b"], "q2": ["a"]}
    at_once(app, 4, lambda n, m: quiz.submit_quiz(student.id, m, answers, f"token-{n}"))
    with app.app_context():
        assert count_of(QuizAttempt) == 4
        assert db.session.scalar(db.select(ModuleProgress.quiz_attempts)) == 4


def test_first_activity_in_a_module_from_two_requests_at_once(app, student, course):
    at_once(app, 4, lambda n, m: progress.mark_lesson_read(student.id, m))
    with app.app_context():
        assert count_of(ModuleProgress) == 1


def test_played_ranges_reported_at_once_are_all_kept(app, student, course):
    """Tabs and beacons reporting different parts of the video at the same moment: the row is
    read again under its lock, so every range ends up in the union."""
    at_once(
        app,
        6,
        lambda n, m: progress.record_video_progress(student.id, m, "en", [(n * 15, n * 15 + 15)]),
    )
    with app.app_context():
        row = db.session.scalar(db.select(ModuleProgress))
        assert row.video_played["en"]["ranges"] == [[0, 90]]
        assert row.video_seconds == 90 and row.video_watched_at is not None


def test_attempts_from_two_tabs_at_once_respect_the_cooldown(app, student, course):
    """The progress row is locked while an attempt is judged: of attempts sent at once, one is
    recorded and the others wait out its cooldown."""
    with app.app_context():
        module = db.session.scalar(db.select(Module).where(Module.slug == "m1"))
        progress.mark_lesson_read(student.id, module)  # the row the attempts lock
        db.session.commit()
    answers = {"q1": ["b"], "q2": ["a"]}

    def attempt(n, m):
        try:
            quiz.submit_quiz(student.id, m, answers, f"tab-{n}")
        except quiz.QuizCooldown:
            return "refused"
        return "recorded"

    outcomes = at_once(app, 4, attempt)
    assert sorted(outcomes) == ["recorded", "refused", "refused", "refused"]
    with app.app_context():
        assert count_of(QuizAttempt) == 1
