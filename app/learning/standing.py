"""A student's standing in their courses, for the dashboard and the module page, in one Core
statement each (issue 19).

One row per (enrolment, current module): the enrolment's cohort and its course's version and
rules, and, for the module, what the student has done (the progress row), where the homework
stands (an accepted attempt, else the latest one), the cohort's own dates and the student's
extensions. No ORM entity is built: the course and its modules come from the outline kept per
course version (``app.learning.outline``), and the rules are the same functions the rest of
the app applies (``progress.statuses``, the cohort's schedule, ``dates.describe_due``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Executable, and_, bindparam, case, func, select
from sqlalchemy.orm import aliased

from app.cohorts import services as cohorts
from app.cohorts.models import Cohort, CohortModuleDate, Enrolment, Extension
from app.extensions import db
from app.homework.models import Status, Submission
from app.homework.services import HomeworkState, attempt_state
from app.learning import dates, schedule
from app.learning.models import Course, Module, ModuleProgress
from app.learning.outline import CourseOutline, ModuleOutline, Rules, outline
from app.learning.progress import CourseProgress, Facts, statuses

HANDED_IN_NOT = (HomeworkState.NOT_SUBMITTED, HomeworkState.DRAFT)


@dataclass(frozen=True)
class CohortFacts:
    """The cohort columns the pages use (the names ``Cohort`` has, for the schedule's rules)."""

    id: int
    name: str
    starts_on: date | None
    timezone: str | None
    sequential: bool


@dataclass(frozen=True)
class Standing:
    """One enrolment: the student's progress and the cohort's calendar for each module."""

    progress: CourseProgress
    start: schedule.OpenState  # the cohort's start
    openings: dict[int, schedule.OpenState]  # module id -> its calendar state
    # module id -> its due date as the student reads it (the module page: its module only)
    dues: dict[int, dates.DueView | None]
    played: Any = None  # the ranges played of the module asked for (``video_played``)

    @property
    def course(self) -> CourseOutline:
        course = self.progress.course
        assert isinstance(course, CourseOutline)
        return course

    def opening(self, module_id: int) -> schedule.OpenState:
        return self.openings.get(module_id, schedule.OPEN)

    def due(self, module_id: int) -> dates.DueView | None:
        return self.dues.get(module_id)


@cache
def _statement(by_course: bool) -> Executable:
    """Rows of (enrolment, module) for ``:user_id`` (and the course ``:slug``, with what was
    played of the video of its module ``:module_slug``), in order."""
    progress = aliased(ModuleProgress)
    latest = aliased(Submission)
    own = aliased(Extension)
    whole = aliased(Extension)
    last_attempt = (
        select(func.max(Submission.attempt_no))
        .where(Submission.user_id == Enrolment.user_id, Submission.module_id == Module.id)
        .scalar_subquery()
    )
    accepted = (
        select(Submission.id)
        .where(
            Submission.user_id == Enrolment.user_id,
            Submission.module_id == Module.id,
            Submission.status == Status.ACCEPTED,
        )
        .exists()
    )
    statement = (
        select(
            Enrolment.id, Cohort.id, Cohort.name, Cohort.starts_on, Cohort.timezone,
            Cohort.sequential, Course.id, Course.imported_at, Course.sequential,
            Course.homework_required, Course.quiz_pass_mark, Course.module_every_days,
            Course.homework_due_days, Module.id,
            progress.lesson_read_at.is_not(None) | progress.video_watched_at.is_not(None),
            progress.quiz_passed_at.is_not(None), progress.video_seconds, accepted,
            latest.status, latest.claim_expires_at, CohortModuleDate.opens_at,
            CohortModuleDate.due_at, own.days, whole.days,
        )
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .outerjoin(Module, and_(Module.course_id == Course.id, Module.retired.is_(False)))
        .outerjoin(
            progress,
            and_(progress.user_id == Enrolment.user_id, progress.module_id == Module.id),
        )
        .outerjoin(
            latest,
            and_(
                latest.user_id == Enrolment.user_id,
                latest.module_id == Module.id,
                latest.attempt_no == last_attempt,
            ),
        )
        .outerjoin(
            CohortModuleDate,
            and_(CohortModuleDate.cohort_id == Cohort.id, CohortModuleDate.module_id == Module.id),
        )
        .outerjoin(own, and_(own.enrolment_id == Enrolment.id, own.module_id == Module.id))
        .outerjoin(whole, and_(whole.enrolment_id == Enrolment.id, whole.module_id.is_(None)))
        .where(Enrolment.user_id == bindparam("user_id"))
        .order_by(Enrolment.id, Module.position)
    )  # fmt: skip
    if by_course:
        played = case((Module.slug == bindparam("module_slug"), progress.video_played))
        statement = statement.add_columns(played).where(Course.slug == bindparam("slug"))
    return statement


def standings(
    user: Any, now: datetime, *, course_slug: str | None = None, module_slug: str = ""
) -> list[Standing]:
    """The student's enrolments (only the one in the course ``course_slug`` when given, with
    what was played of the video of its module ``module_slug``), each with every current
    module's state, open date and due date at ``now``, in one statement."""
    params: dict[str, Any] = {"user_id": user.id}
    if course_slug is not None:
        params["slug"] = course_slug
        params["module_slug"] = module_slug
    rows = db.session.connection().execute(_statement(course_slug is not None), params).all()
    groups: dict[int, list[Any]] = {}
    for row in rows:
        groups.setdefault(row[0], []).append(row)
    return [_standing(user, group, now, module_slug or None) for group in groups.values()]


def _standing(user: Any, rows: list[Any], now: datetime, only: str | None) -> Standing:
    """One enrolment's standing from its rows; the due date of every module, or (``only``,
    the module page) of that module alone."""
    first = rows[0]
    cohort = CohortFacts(first[1], first[2], first[3], first[4], first[5])
    rules = Rules(first[8], first[9], first[10], first[11], first[12])
    course = outline(first[6], first[7], rules, [r[13] for r in rows if r[13] is not None])
    as_cohort: Any = cohort  # the schedule's functions read these columns of a cohort
    tz = cohorts.cohort_timezone(as_cohort)
    reader_tz = cohorts.student_timezone(getattr(user, "timezone", None), as_cohort)
    start = schedule.start_state_at(cohort.starts_on, cohorts.cohort_starts_at(as_cohort), now)
    facts: dict[int, Facts] = {}
    homework: dict[int, HomeworkState] = {}
    dated: dict[int, tuple[datetime | None, datetime | None]] = {}
    extra: dict[int, int] = {}
    played = None
    for row in rows:
        (module_id, lesson, passed, seconds, accepted, status, expires) = row[13:20]
        if module_id is None:  # a course without modules
            continue
        if seconds is not None:  # a progress row
            facts[module_id] = Facts(bool(lesson), bool(passed), seconds > 0)
        homework[module_id] = (
            HomeworkState.ACCEPTED if accepted else attempt_state(status, expires, now)
        )
        if row[20] is not None:
            dated[module_id] = (row[20], row[21])
        extra[module_id] = row[22] if row[22] is not None else (row[23] or 0)
        if len(row) > 24 and row[24] is not None:
            played = row[24]
    standing = statuses(
        course.modules,
        facts,
        homework,
        in_order=rules.sequential and cohort.sequential,
        homework_required=rules.homework_required,
    )
    openings: dict[int, schedule.OpenState] = {}
    dues: dict[int, dates.DueView | None] = {}
    for status in standing:
        module = status.module
        opens_at, due_at = dated.get(module.id) or _defaults(cohort, rules, tz, module)
        openings[module.id] = schedule.module_state_at(start, opens_at, tz, now)
        dues[module.id] = (
            None
            if due_at is None or (only is not None and module.slug != only)
            else dates.describe_due(
                due_at + timedelta(days=extra.get(module.id, 0)),
                now,
                reader_tz,
                done=status.homework not in HANDED_IN_NOT,
            )
        )
    return Standing(CourseProgress(course, cohort, standing), start, openings, dues, played)


def _defaults(
    cohort: CohortFacts, rules: Rules, tz: ZoneInfo, module: ModuleOutline | Any
) -> tuple[datetime | None, datetime | None]:
    found = cohorts.dates_by_default(
        cohort.starts_on, tz, rules.module_every_days, rules.homework_due_days, module.position
    )
    return found.opens_at, found.due_at
