"""Each enrolment's progress summary, kept up to date for the cohort reports.

``Enrolment.completed_modules`` and ``Enrolment.last_activity_at`` repeat what the progress and
homework tables say, so a cohort's dashboard and student table read one narrow row per student
through an index instead of aggregating every progress row and attempt of the cohort.

The rules (``recount`` applies them to the source tables; the services keep them as they go):

- ``completed_modules``: the course's current (not retired) modules whose progress row is
  complete. A module, once complete, stays complete; a certificate's revocation does not touch it.
- ``last_activity_at``: the latest of joining the cohort, any lesson, video or quiz activity in
  the course's modules, and any change a student made to a homework attempt in the cohort.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from app.cohorts.models import Enrolment
from app.extensions import db
from app.homework.models import Submission
from app.learning.models import Module, ModuleProgress


def note_activity(
    user_id: int, at: datetime, *, course_id: int | None = None, cohort_id: int | None = None
) -> None:
    """Move the student's last activity in a course (or cohort) forward to ``at``, never back."""
    where = [Enrolment.user_id == user_id]
    if course_id is not None:
        where.append(Enrolment.course_id == course_id)
    if cohort_id is not None:
        where.append(Enrolment.cohort_id == cohort_id)
    db.session.execute(
        update(Enrolment)
        .where(*where, (Enrolment.last_activity_at.is_(None)) | (Enrolment.last_activity_at < at))
        .values(last_activity_at=at)
        .execution_options(synchronize_session=False)
    )


def note_completed(user_id: int, course_id: int) -> None:
    """One more module complete. Called once per module: when its ``completed_at`` is set."""
    db.session.execute(
        update(Enrolment)
        .where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
        .values(completed_modules=Enrolment.completed_modules + 1)
        .execution_options(synchronize_session=False)
    )


def completed_source():
    """``completed_modules`` from the progress table, correlated to ``Enrolment``."""
    return (
        select(func.count())
        .select_from(ModuleProgress)
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(
            ModuleProgress.user_id == Enrolment.user_id,
            Module.course_id == Enrolment.course_id,
            Module.retired.is_(False),
            ModuleProgress.completed_at.is_not(None),
        )
        .scalar_subquery()
    )


def last_activity_source(dialect: str):
    """``last_activity_at`` from the progress and homework tables, correlated to ``Enrolment``."""
    learning = (
        select(func.max(ModuleProgress.last_activity_at))
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(ModuleProgress.user_id == Enrolment.user_id, Module.course_id == Enrolment.course_id)
        .scalar_subquery()
    )
    homework = (
        select(func.max(Submission.updated_at))
        .where(Submission.user_id == Enrolment.user_id, Submission.cohort_id == Enrolment.cohort_id)
        .scalar_subquery()
    )
    # SQLite's max() of several values is PostgreSQL's greatest(); neither may see a NULL.
    greatest = func.greatest if dialect == "postgresql" else func.max
    joined = Enrolment.enrolled_at
    return greatest(joined, func.coalesce(learning, joined), func.coalesce(homework, joined))


def recount(*where) -> None:
    """Derive both figures again from the source tables for the enrolments ``where`` selects
    (after a content import retires or restores a module, after a bulk seed, or by hand)."""
    dialect = db.session.get_bind().dialect.name
    db.session.execute(
        update(Enrolment)
        .where(*where)
        .values(
            completed_modules=completed_source(),
            last_activity_at=last_activity_source(dialect),
        )
        .execution_options(synchronize_session=False)
    )
