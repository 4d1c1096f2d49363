"""The review queue: which attempts a reviewer sees, and the queue page's statements (issue 19).

The page reads the reviewer's groups once, with their courses' versions (the module filter then
comes from the per-version outline, ``app.learning.outline``), then the list with the counts.
That statement is built once per shape (state, which filters are set) and kept, with the
reviewer, the groups, the time and the filter values as parameters: building it cost more
Python than running it. ``claim_next`` and the digest use the same conditions with values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, or_, select, true

from app.auth.models import User
from app.cohorts.models import Cohort, CohortReviewer
from app.extensions import db
from app.homework.models import Status, Submission
from app.learning.models import Course, Module
from app.learning.services import ModuleLine, course_modules
from app.review import double

WAITING = "waiting"
QUEUE_STATES = (WAITING, Status.IN_REVIEW.value, Status.RETURNED.value, Status.ACCEPTED.value)

# A value, or a bind parameter standing for one in a statement that is kept.
Value = Any


@dataclass(frozen=True)
class QueueFilter:
    module_id: int | None = None
    language: str | None = None
    state: str = WAITING
    min_wait_hours: int | None = None


def claimable(now: Value, reviewer_id: int | None = None) -> ColumnElement[bool]:
    """Waiting, or claimed but expired (or already claimed by this reviewer)."""
    conditions = [
        Submission.status == Status.SUBMITTED,
        and_(Submission.status == Status.IN_REVIEW, Submission.claim_expires_at <= now),
    ]
    if reviewer_id is not None:
        conditions.append(
            and_(Submission.status == Status.IN_REVIEW, Submission.claimed_by_id == reviewer_id)
        )
    return or_(*conditions)


def state_condition(state: str, now: Value) -> ColumnElement[bool]:
    if state == WAITING:
        return claimable(now)
    if state == Status.IN_REVIEW:
        return and_(Submission.status == Status.IN_REVIEW, Submission.claim_expires_at > now)
    return Submission.status == Status(state)


def in_scope(reviewer_id: Value, cohort_ids: Value) -> ColumnElement[bool]:
    """Submissions of the reviewer's cohorts, never their own."""
    return and_(
        Submission.cohort_id.in_(cohort_ids),
        Submission.user_id != reviewer_id,
        Submission.status != Status.DRAFT,
        double.takeable(reviewer_id),
    )


# One queue row: (submission id, author's name, module position, module title, attempt number,
# language, submitted at, late).
QUEUE_COLUMNS = (
    Submission.id,
    User.name,
    Module.position,
    Module.title,
    Submission.attempt_no,
    Submission.language,
    Submission.submitted_at,
    Submission.late,
)


def filtered(
    query: Any,  # a Select of the queue's columns, or of Submission
    reviewer_id: Value,
    cohort_ids: Value,
    state: str,
    now: Value,
    module_id: Value = None,
    language: Value = None,
    submitted_before: Value = None,
) -> Select[Any]:
    """``query`` joined to the authors and modules, filtered, oldest first."""
    query = (
        query.join(User, User.id == Submission.user_id)
        .join(Module, Module.id == Submission.module_id)
        .where(in_scope(reviewer_id, cohort_ids), state_condition(state, now))
    )
    if module_id is not None:
        query = query.where(Submission.module_id == module_id)
    if language is not None:
        query = query.where(Submission.language == language)
    if submitted_before is not None:
        query = query.where(Submission.submitted_at <= submitted_before)
    return query.order_by(Submission.submitted_at, Submission.id)


def filter_values(filters: QueueFilter, now: datetime) -> dict[str, Any]:
    """The filters' values, under the names ``list_query`` gives their parameters."""
    values: dict[str, Any] = {}
    if filters.module_id:
        values["module_id"] = filters.module_id
    if filters.language:
        values["language"] = filters.language
    if filters.min_wait_hours:
        values["submitted_before"] = now - timedelta(hours=filters.min_wait_hours)
    return values


@cache
def list_query(state: str, filters: frozenset[str]) -> Select[Any]:
    """The list's statement for a state and the set filters (by their parameters' names)."""
    return (
        filtered(
            select(*QUEUE_COLUMNS),
            bindparam("reviewer_id"),
            bindparam("cohort_ids", expanding=True),
            state,
            bindparam("now"),
            **{name: bindparam(name) for name in filters},
        )
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


@cache
def counts_query() -> Select[Any]:
    """Submissions per queue state, in one statement whatever the history's size.

    The open states are counted in full through the partial index of waiting attempts; the
    graded history only up to the ``history_limit`` parameter (the page says "more than")."""
    scope = in_scope(bindparam("reviewer_id"), bindparam("cohort_ids", expanding=True))
    now: Any = bindparam("now")
    open_states = Submission.status.in_([Status.SUBMITTED, Status.IN_REVIEW])
    waiting = (
        select(
            *[
                db.func.count().filter(state_condition(state, now)).label(state)
                for state in (WAITING, Status.IN_REVIEW.value)
            ]
        )
        .where(scope, open_states)
        .subquery("open_attempts")
    )

    def count_graded(state: str) -> Any:
        rows = (
            select(Submission.id)
            .where(scope, state_condition(state, now))
            .limit(bindparam("history_limit"))
            .subquery()
        )
        return select(db.func.count()).select_from(rows).scalar_subquery()

    return select(
        waiting.c[WAITING],
        waiting.c[Status.IN_REVIEW.value],
        count_graded(Status.RETURNED.value).label(Status.RETURNED.value),
        count_graded(Status.ACCEPTED.value).label(Status.ACCEPTED.value),
    )


@cache
def page_query(state: str, filters: frozenset[str]) -> Select[Any]:
    """The counts' one row, joined to each row of the list (a left join: the counts come back
    with an empty list too), oldest first: the page's two reads in one statement, each with the
    plan it has alone."""
    counts = counts_query().subquery("counts")
    listed = list_query(state, filters).subquery("listed")
    return (
        select(*counts.c, *listed.c)
        .select_from(counts)
        .outerjoin(listed, true())
        .order_by(listed.c.submitted_at, listed.c.id)
    )


@dataclass(frozen=True)
class ReviewerScope:
    cohort_ids: set[int]
    # The current modules of the courses the reviewer's cohorts take, course by course.
    modules: list[ModuleLine]


def reviewer_scope(user_id: int) -> ReviewerScope:
    """The reviewer's cohorts and their courses' modules, in one statement (the modules come
    from each course version's outline)."""
    rows = db.session.execute(_scope_query(), {"user_id": user_id}).all()
    courses = sorted({(course_id, imported_at) for _cohort, course_id, imported_at in rows})
    return ReviewerScope(
        {cohort_id for cohort_id, _course, _at in rows},
        [m for course_id, at in courses for m in course_modules(course_id, at)],
    )


@cache
def _scope_query() -> Any:
    return (
        select(CohortReviewer.cohort_id, Cohort.course_id, Course.imported_at)
        .join(Cohort, Cohort.id == CohortReviewer.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(CohortReviewer.user_id == bindparam("user_id"))
    )
