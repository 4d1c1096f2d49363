"""Quizzes: graded on the server, by option ids; the correct options leave it only after a
passed attempt, or a failed one when the course's ``quiz_feedback`` is ``full``.

Each attempt shows the options in its own order (see :func:`option_order`), and after an
attempt the next one waits the course's ``quiz_retry_cooldown`` seconds (ADR 0023).
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from app.db import utcnow
from app.extensions import db
from app.learning import progress
from app.learning.models import Module, ModuleProgress, QuizAttempt, QuizQuestion
from app.unit_of_work import add_or_take_winner

FIELD_PREFIX = "q-"
MAX_FIELDS = 200


class QuizError(ValueError):
    """The submitted answers cannot be graded; ``str(error)`` is a translated message."""


class QuizCooldown(QuizError):
    """The previous attempt was too recent; ``retry_at`` says when the next may start."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__("quiz cooldown")
        self.retry_at = retry_at


@dataclass(frozen=True)
class Result:
    attempt: QuizAttempt
    created: bool  # False when the same form was submitted twice


def new_token() -> str:
    return secrets.token_urlsafe(32)


def option_order(user_id: int, module: Module, round_no: int) -> dict[str, list[str]]:
    """The option ids of every question in the order attempt number ``round_no`` (0 = the
    first) shows them.

    Derived, not stored before the attempt: a keyed hash of the student, the module and the
    round seeds the shuffle, so a reload (or a form shown again after an error) has the same
    order without a GET writing anything, the next attempt has a fresh one, and nobody can
    work out an order without the application's secret key. The attempt stores the order it
    was answered in.
    """
    key = current_app.config["SECRET_KEY"].encode()
    order: dict[str, list[str]] = {}
    for question in module.questions:
        message = f"quiz-order:{user_id}:{module.id}:{round_no}:{question.key}".encode()
        seed = hmac.new(key, message, hashlib.sha256).digest()
        ids = [option["id"] for option in question.options]
        # The seed is the secret part; the generator only turns it into a permutation.
        random.Random(seed).shuffle(ids)  # noqa: S311
        order[question.key] = ids
    return order


def ordered_options(question: QuizQuestion, order: dict[str, list[str]] | None) -> list[dict]:
    """The question's options in ``order`` (options it does not name, as after a re-import
    added one, follow in the author's order)."""
    ids = (order or {}).get(question.key) or []
    by_id = {option["id"]: option for option in question.options}
    shown = [by_id[i] for i in ids if i in by_id]
    return shown + [o for o in question.options if o["id"] not in ids]


def retry_at(module: Module, attempts: list[QuizAttempt]) -> datetime | None:
    """When the student may attempt the quiz again (None: now). ``attempts``: newest first."""
    wait = module.course.quiz_retry_cooldown
    if not attempts or not wait:
        return None
    at = attempts[0].submitted_at + timedelta(seconds=wait)
    return at if at > utcnow() else None


def reveals_correct(module: Module, attempt: QuizAttempt) -> bool:
    """Whether the result page of ``attempt`` may show the correct options."""
    return attempt.passed or module.course.quiz_feedback == "full"


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


def submit_quiz(
    user_id: int,
    module: Module,
    answers: dict[str, list[str]],
    token: str,
    *,
    round_no: int | None = None,
) -> Result:
    """Record one attempt (once per form ``token``) and, if it passes, the module's quiz part.

    ``round_no`` is the attempt number the form was shown for (its option order); a stale
    or missing one is fine, the answers are option ids. Raises ``QuizCooldown`` when the
    previous attempt was less than the course's cooldown ago (the same form sent twice is not
    a new attempt: it returns the first)."""
    if not token or len(token) > 43:
        raise QuizError(_l("The form had expired. Please reload the page and submit it again."))
    existing = _attempt_by_token(user_id, token)
    if existing is not None:
        return Result(existing, created=False)
    _lock_progress(user_id, module.id)
    previous = attempts_of(user_id, module.id)
    existing = _attempt_by_token(user_id, token)  # sent twice at once: the other one won
    if existing is not None:
        return Result(existing, created=False)
    waiting = retry_at(module, previous)
    if waiting is not None:
        raise QuizCooldown(waiting)
    if round_no is None or not 0 <= round_no <= len(previous):
        round_no = len(previous)
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
        option_order=option_order(user_id, module, round_no),
    )
    # The same form, submitted twice at once: the other request recorded it.
    recorded, created = add_or_take_winner(attempt, lambda: _attempt_by_token(user_id, token))
    if not created:
        return Result(recorded, created=False)
    progress.record_quiz_attempt(user_id, module, passed=passed)
    if passed:
        progress.refresh_completion(user_id, module)
    return Result(attempt, created=True)


def _lock_progress(user_id: int, module_id: int) -> None:
    """Take the student's progress row of the module for this transaction (PostgreSQL), so
    two attempts sent at once from two tabs are judged one after the other: the second sees
    the first and waits out its cooldown."""
    db.session.execute(
        db.select(ModuleProgress.id)
        .where(ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id)
        .with_for_update()
    )


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
