"""The student table of a cohort: search, sort by an allow-listed column, paginate.

One query counts (the cohort's enrolments, when nothing is searched), one picks the page's rows
in index order with each student's summary, and two read those students' module progress and
homework: four queries per page, whatever the cohort size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from app.auth.models import User
from app.cohorts.models import Cohort, Enrolment
from app.db import utcnow
from app.extensions import db
from app.homework.models import Status, Submission
from app.learning.models import ModuleProgress
from app.learning.services import ModuleState
from app.reports import queries
from app.textsearch import contains_pattern

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


def base_query(cohort: Cohort, ids: list[int], *, attempts: bool = True):
    """Every student of the cohort with their totals; the columns the table and exports share.

    Modules complete and last activity are each enrolment's summary; homework attempts are a
    grouped count over the cohort, joined only where asked (the table counts them per page)."""
    columns = [
        Enrolment.user_id.label("user_id"),
        User.name,
        User.email,
        User.locale,
        Enrolment.enrolled_at,
        Enrolment.completed_modules.label("completed"),
        Enrolment.last_activity_at.label("last_activity"),
    ]
    query = select().select_from(Enrolment).join(User, User.id == Enrolment.user_id)
    if attempts:
        tries = queries.attempt_counts(cohort)
        columns.append(func.coalesce(tries.c.attempts, 0).label("attempts"))
        query = query.outerjoin(tries, tries.c.user_id == Enrolment.user_id)
    Certificate = queries.certificate_model()
    if Certificate is not None:
        columns += [Certificate.code.label("certificate"), Certificate.revoked_at]
        query = query.outerjoin(
            Certificate,
            (Certificate.user_id == Enrolment.user_id)
            & (Certificate.course_id == cohort.course_id),
        )
    return query.add_columns(*columns).where(Enrolment.cohort_id == cohort.id)


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
    key, tie = selected[column], selected["user_id"]
    # The tie-break runs the same way, so an index on (column, id) can be read backwards.
    if direction == "desc":
        return query.order_by(key.desc(), tie.desc())
    return query.order_by(key.asc(), tie.asc())


def page(cohort: Cohort, table: TableQuery, *, search_emails: bool = True) -> Page:
    """The page's 50 students are chosen first, in index order where the sort allows; only
    their rows are read for the module states and homework attempts."""
    modules = queries.modules_of(cohort)
    ids = [m.id for m in modules]
    query = base_query(cohort, ids, attempts=table.sort == "attempts")
    counted = select(func.count()).select_from(Enrolment).where(Enrolment.cohort_id == cohort.id)
    if table.search:
        pattern = contains_pattern(table.search)
        matches = [User.search_name.like(pattern, escape="\\")]
        if search_emails:
            matches.append(User.email.like(pattern, escape="\\"))
        query = query.where(or_(*matches))
        counted = counted.join(User, User.id == Enrolment.user_id).where(or_(*matches))
    total = db.session.scalar(counted) or 0
    pages = max(1, -(-total // PER_PAGE))
    number = min(table.page, pages)
    result = db.session.execute(
        _order(query, table.sort, table.direction).limit(PER_PAGE).offset((number - 1) * PER_PAGE)
    ).all()
    states, attempts = page_details(cohort, modules, [r.user_id for r in result])
    rows = [
        StudentRow(
            user_id=r.user_id,
            name=r.name,
            email=r.email,
            locale=r.locale,
            enrolled_at=r.enrolled_at,
            completed=r.completed,
            last_activity=r.last_activity,
            attempts=attempts.get(r.user_id, 0),
            certificate=getattr(r, "certificate", None),
            certificate_revoked=getattr(r, "revoked_at", None) is not None,
            states=states.get(r.user_id, []),
        )
        for r in result
    ]
    return Page(rows, total, number, pages)


def page_details(
    cohort: Cohort, modules, user_ids: list[int]
) -> tuple[dict[int, list[ModuleState]], dict[int, int]]:
    """Every module's state, and the homework attempts handed in, for a page of students, in
    two queries."""
    if not user_ids:
        return {}, {}
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
    states = {
        uid: queries.module_states(
            modules,
            progress[uid],
            queries.homework_state(attempts[uid], now),
            ordered,
            cohort.course.homework_required,
        )
        for uid in user_ids
    }
    handed_in = {
        uid: sum(1 for row in rows if row[2] != Status.DRAFT) for uid, rows in attempts.items()
    }
    return states, handed_in
