"""The student table of a cohort: search, sort by an allow-listed column, paginate.

One query counts, one reads the page (with each student's totals joined in as grouped
subqueries), and two read the page's module progress and homework: four queries per page,
whatever the cohort size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from app.admin import queries
from app.auth.models import User
from app.cohorts.models import Cohort, Enrolment
from app.db import utcnow
from app.extensions import db
from app.homework.models import Submission
from app.learning.models import ModuleProgress
from app.learning.progress import ModuleState

PER_PAGE = 50
SEARCH_MAX = 100
# The only columns the table sorts by (anything else is refused with 400).
SORTS = ("name", "email", "enrolled", "last_activity", "completed", "attempts", "certificate")
DIRECTIONS = ("asc", "desc")


@dataclass(frozen=True)
class TableQuery:
    search: str = ""
    sort: str = "name"
    direction: str = "asc"
    page: int = 1


@dataclass
class StudentRow:
    user_id: int
    name: str
    email: str
    locale: str | None
    enrolled_at: datetime
    completed: int
    last_activity: datetime
    attempts: int
    certificate: str | None
    certificate_revoked: bool
    states: list[ModuleState]


@dataclass
class Page:
    rows: list[StudentRow]
    total: int
    page: int
    pages: int


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def base_query(cohort: Cohort, ids: list[int]):
    """Every student of the cohort with their totals; the columns the table and exports share."""
    done = queries.completed_counts(cohort, ids)
    tries = queries.attempt_counts(cohort)
    last = queries.last_activity(cohort, ids)
    columns = [
        User.id.label("user_id"),
        User.name,
        User.email,
        User.locale,
        Enrolment.enrolled_at,
        func.coalesce(done.c.completed, 0).label("completed"),
        last.c.last_at.label("last_activity"),
        func.coalesce(tries.c.attempts, 0).label("attempts"),
    ]
    Certificate = queries.certificate_model()
    if Certificate is not None:
        columns += [Certificate.code.label("certificate"), Certificate.revoked_at]
    query = (
        select(*columns)
        .select_from(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(done, done.c.user_id == User.id)
        .outerjoin(tries, tries.c.user_id == User.id)
        .outerjoin(last, last.c.user_id == User.id)
        .where(Enrolment.cohort_id == cohort.id)
    )
    if Certificate is not None:
        query = query.outerjoin(
            Certificate,
            (Certificate.user_id == User.id) & (Certificate.course_id == cohort.course_id),
        )
    return query


def _order(query, sort: str, direction: str):
    column = {
        "name": "name",
        "email": "email",
        "enrolled": "enrolled_at",
        "last_activity": "last_activity",
        "completed": "completed",
        "attempts": "attempts",
        "certificate": "certificate",
    }[sort]
    selected = query.selected_columns
    if column not in selected:  # no certificates domain: sort by name instead
        column = "name"
    key = selected[column]
    key = key.desc() if direction == "desc" else key.asc()
    return query.order_by(key, selected["user_id"])


def page(cohort: Cohort, table: TableQuery, *, search_emails: bool = True) -> Page:
    modules = queries.modules_of(cohort)
    ids = [m.id for m in modules]
    query = base_query(cohort, ids)
    if table.search:
        pattern = _like(table.search.lower())
        matches = [func.lower(User.name).like(pattern, escape="\\")]
        if search_emails:
            matches.append(User.email.like(pattern, escape="\\"))
        query = query.where(or_(*matches))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    number = min(table.page, pages)
    result = db.session.execute(
        _order(query, table.sort, table.direction).limit(PER_PAGE).offset((number - 1) * PER_PAGE)
    ).all()
    states = page_states(cohort, modules, [r.user_id for r in result])
    rows = [
        StudentRow(
            user_id=r.user_id,
            name=r.name,
            email=r.email,
            locale=r.locale,
            enrolled_at=r.enrolled_at,
            completed=r.completed,
            last_activity=r.last_activity,
            attempts=r.attempts,
            certificate=getattr(r, "certificate", None),
            certificate_revoked=getattr(r, "revoked_at", None) is not None,
            states=states.get(r.user_id, []),
        )
        for r in result
    ]
    return Page(rows, total, number, pages)


def page_states(cohort: Cohort, modules, user_ids: list[int]) -> dict[int, list[ModuleState]]:
    """Every module's state for a page of students, in two queries."""
    if not user_ids:
        return {}
    ids = [m.id for m in modules]
    progress: dict[int, dict] = {uid: {} for uid in user_ids}
    for row in db.session.execute(
        queries.progress_rows(cohort, ids).where(ModuleProgress.user_id.in_(user_ids))
    ):
        progress[row.user_id][row.module_id] = row
    attempts: dict[int, list] = {uid: [] for uid in user_ids}
    for row in db.session.execute(
        queries.homework_rows(cohort)
        .where(Submission.user_id.in_(user_ids))
        .order_by(Submission.user_id, Submission.module_id, Submission.attempt_no)
    ):
        attempts[row[0]].append(tuple(row))
    now = utcnow()
    ordered = queries.in_order(cohort)
    return {
        uid: queries.module_states(
            modules, progress[uid], queries.homework_state(attempts[uid], now), ordered
        )
        for uid in user_ids
    }
