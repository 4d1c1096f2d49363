"""Concurrent quiz submissions on PostgreSQL: the same form recorded once."""

import threading

import pytest

from app.extensions import db
from app.learning import quiz
from app.learning.models import Module, ModuleProgress, QuizAttempt

pytestmark = pytest.mark.postgres_only


def test_the_same_quiz_form_submitted_at_once_is_recorded_once(app, student, course):
    barrier = threading.Barrier(6)
    results, errors = [], []

    def submit():
        try:
            with app.app_context():
                module = db.session.scalar(db.select(Module).where(Module.slug == "m1"))
                barrier.wait(timeout=10)
                result = quiz.submit_quiz(
                    student.id, module, {"q1": ["a"], "q2": ["b", "c"]}, "same-token"
                )
                db.session.commit()
                results.append(result.attempt.id)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(QuizAttempt)) == 1
        assert db.session.scalar(db.select(ModuleProgress.quiz_attempts)) == 1


def test_different_attempts_at_once_are_all_counted(app, student, course):
    barrier = threading.Barrier(4)
    errors = []

    def submit(n: int):
        try:
            with app.app_context():
                module = db.session.scalar(db.select(Module).where(Module.slug == "m1"))
                barrier.wait(timeout=10)
                quiz.submit_quiz(student.id, module, {"q1": ["b"], "q2": ["a"]}, f"token-{n}")
                db.session.commit()
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(QuizAttempt)) == 4
        assert db.session.scalar(db.select(ModuleProgress.quiz_attempts)) == 4


def test_first_activity_in_a_module_from_two_requests_at_once(app, student, course):
    from app.learning import progress
    from app.learning.models import ModuleProgress

    barrier = threading.Barrier(4)
    errors = []

    def read():
        try:
            with app.app_context():
                module = db.session.scalar(db.select(Module).where(Module.slug == "m1"))
                barrier.wait(timeout=10)
                progress.mark_lesson_read(student.id, module)
                db.session.commit()
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ModuleProgress)) == 1
