"""Quizzes: graded on the server; the correct answers leave it only after an attempt."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.learning import progress
from app.learning.models import Module, QuizAttempt, QuizQuestion
from app.unit_of_work import add_or_take_winner

FIELD_PREFIX = "q-"
MAX_FIELDS = 200


class QuizError(ValueError):
    """The submitted answers cannot be graded; ``str(error)`` is a translated message."""


@dataclass(frozen=True)
class Result:
    attempt: QuizAttempt
    created: bool  # False when the same form was submitted twice


def new_token() -> str:
    return secrets.token_urlsafe(32)


def field_name(question: QuizQuestion) -> str:
    return f"{FIELD_PREFIX}{question.key}"


def parse_answers(module: Module, form: MultiDict) -> dict[str, list[str]]:
    """Answers per question key; raise ``QuizError`` for anything a real form could not send."""
    questions = {field_name(q): q for q in module.questions}
    submitted = [name for name in form if name.startswith(FIELD_PREFIX)]
    if len(submitted) > MAX_FIELDS or any(name not in questions for name in submitted):
        raise QuizError(_l("The answers do not match this quiz. Reload the page and try again."))
    answers: dict[str, list[str]] = {}
    missing = False
    for name, question in questions.items():
        values = form.getlist(name)
        valid = {option["id"] for option in question.options}
        if len(values) != len(set(values)) or any(v not in valid for v in values):
            raise QuizError(
                _l("The answers do not match this quiz. Reload the page and try again.")
            )
        if len(question.correct) == 1 and len(values) > 1:
            raise QuizError(
                _l("The answers do not match this quiz. Reload the page and try again.")
            )
        if not values:
            missing = True
        answers[question.key] = sorted(values)
    if missing:
        raise QuizError(_l("Please answer every question."))
    return answers


def grade(module: Module, answers: dict[str, list[str]]) -> int:
    return sum(1 for q in module.questions if sorted(q.correct) == answers.get(q.key))


def submit_quiz(user_id: int, module: Module, answers: dict[str, list[str]], token: str) -> Result:
    """Record one attempt (once per form ``token``) and, if it passes, the module's quiz part."""
    if not token or len(token) > 43:
        raise QuizError(_l("The form had expired. Please reload the page and submit it again."))
    existing = _attempt_by_token(user_id, token)
    if existing is not None:
        return Result(existing, created=False)
    total = len(module.questions)
    score = grade(module, answers)
    passed = total > 0 and score * 100 >= module.course.quiz_pass_mark * total
    attempt = QuizAttempt(
        user_id=user_id,
        module_id=module.id,
        token=token,
        answers=answers,
        score=score,
        total=total,
        passed=passed,
    )
    # The same form, submitted twice at once: the other request recorded it.
    recorded, created = add_or_take_winner(attempt, lambda: _attempt_by_token(user_id, token))
    if not created:
        return Result(recorded, created=False)
    progress.record_quiz_attempt(user_id, module, passed=passed)
    if passed:
        progress.refresh_completion(user_id, module)
    return Result(attempt, created=True)


def _attempt_by_token(user_id: int, token: str) -> QuizAttempt | None:
    return db.session.scalar(
        db.select(QuizAttempt).where(QuizAttempt.user_id == user_id, QuizAttempt.token == token)
    )


def attempts_of(user_id: int, module_id: int) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            db.select(QuizAttempt)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.module_id == module_id)
            .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
        )
    )
