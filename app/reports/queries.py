"""Grouped queries over one cohort, shared by the dashboard, the student table and the exports.

Every figure is one query for the whole cohort (or one page of it), never one per student, so
a page's query count does not grow with the cohort.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from app.cohorts.models import Cohort, Enrolment
from app.homework.models import Status, Submission
from app.homework.services import HomeworkState, states_from_attempts
from app.learning.models import Module, ModuleProgress
from app.learning.services import ModuleState, module_statuses

try:  # the certificates domain is optional for these figures
    from app.certificates.models import Certificate as _Certificate
except ImportError:  # pragma: no cover - the domain ships with the app
    _Certificate = None


def certificate_model():
    """The certificates domain's model, or None where that domain is not installed."""
    return _Certificate


def modules_of(cohort: Cohort) -> list[Module]:
    return list(cohort.course.modules)


def in_order(cohort: Cohort) -> bool:
    return bool(cohort.course.sequential and cohort.sequential)


def progress_rows(cohort: Cohort, module_ids: list[int]):
    """The progress columns of the cohort's students for the course's modules."""
    return (
        select(
            ModuleProgress.user_id,
            ModuleProgress.module_id,
            ModuleProgress.lesson_read_at,
            ModuleProgress.video_watched_at,
            ModuleProgress.video_seconds,
            ModuleProgress.quiz_passed_at,
            ModuleProgress.completed_at,
            ModuleProgress.last_activity_at,
        )
        .join(
            Enrolment,
            (Enrolment.user_id == ModuleProgress.user_id) & (Enrolment.cohort_id == cohort.id),
        )
        .where(ModuleProgress.module_id.in_(module_ids))
    )


def attempt_counts(cohort: Cohort):
    """Subquery: ``user_id``, ``attempts`` (homework attempts handed in, all modules)."""
    return (
        select(Submission.user_id.label("user_id"), func.count().label("attempts"))
        .where(Submission.cohort_id == cohort.id, Submission.status != Status.DRAFT)
        .group_by(Submission.user_id)
        .subquery("attempt_counts")
    )


def homework_rows(cohort: Cohort):
    """(user_id, module_id, status, claim_expires_at) of every attempt, oldest attempt first."""
    return select(
        Submission.user_id, Submission.module_id, Submission.status, Submission.claim_expires_at
    ).where(Submission.cohort_id == cohort.id)


def homework_state(rows: Iterable[tuple], now: datetime | None = None) -> dict[int, HomeworkState]:
    """Each module's homework state from one student's attempts ``(user_id, module_id, status,
    claim_expires_at)`` in order: the homework domain's own rule."""
    return states_from_attempts(((m, status, expires) for _u, m, status, expires in rows), now)


def module_states(
    modules: list[Module],
    progress: dict[int, Any],
    homework: dict[int, HomeworkState],
    ordered: bool,
    homework_required: bool = True,
) -> list[ModuleState]:
    """Each module's state for one student: ``learning.progress``'s rules on preloaded rows
    (``homework_required``: the course's completion rule)."""
    return [
        status.state
        for status in module_statuses(
            modules, progress, homework, in_order=ordered, homework_required=homework_required
        )
    ]


class Grouped:
    """The rows of a stream sorted by user id, taken one user at a time in ascending order:
    a merge join of two streams, so neither is held in memory."""

    def __init__(self, rows: Iterable[Any], user_of=lambda row: row[0]) -> None:
        self._rows = iter(rows)
        self._user_of = user_of
        self._pending = next(self._rows, None)

    def take(self, user_id: int) -> list[Any]:
        group = []
        while self._pending is not None and self._user_of(self._pending) < user_id:
            self._pending = next(self._rows, None)
        while self._pending is not None and self._user_of(self._pending) == user_id:
            group.append(self._pending)
            self._pending = next(self._rows, None)
        return group
