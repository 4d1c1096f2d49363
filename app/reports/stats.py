"""The cohort dashboard's figures: a fixed handful of grouped queries, whatever the cohort size.

Per-student figures come from each enrolment's summary (``app.cohorts.summary``) and the
homework figures from partial indexes, so the page reads indexes, not the cohort's history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, literal, select, union_all

from app.auth.models import User
from app.cohorts.models import Cohort, Enrolment
from app.db import utcnow
from app.extensions import db
from app.homework.models import Status, Submission
from app.learning.models import Module, ModuleProgress
from app.reports import queries

BACKLOG_STATES = ("draft", "submitted", "in_review", "returned", "accepted")
STALLED_LIST = 20
FEEDBACK_DAYS = 30  # time to feedback: over the first attempts reviewed in this many days
FIRST_ATTEMPTS = "first"


@dataclass
class ModuleFigures:
    module: Module
    completed: int
    quiz_students: int  # students who tried the quiz at least once
    quiz_passed: int  # ... and passed it
    quiz_attempts: int

    @property
    def quiz_pass_rate(self) -> int | None:
        return round(100 * self.quiz_passed / self.quiz_students) if self.quiz_students else None


@dataclass
class Dashboard:
    cohort: Cohort
    enrolled: int
    ordered: bool
    funnel: list[tuple[str, int, int]]  # (kind, n, students): ("enrolled"|"modules"|"cert")
    modules: list[ModuleFigures]
    backlog: dict[str, int]
    feedback_count: int
    feedback_median: float | None  # hours
    feedback_p90: float | None
    feedback_days: int
    stalled_days: int
    stalled_count: int
    stalled: list[tuple[int, str, datetime]] = field(default_factory=list)
    certificates: int | None = None
    revoked: int = 0

    def percent(self, n: int) -> int:
        return round(100 * n / self.enrolled) if self.enrolled else 0


def dashboard(cohort: Cohort, *, stalled_days: int = 7) -> Dashboard:
    now = utcnow()
    modules = queries.modules_of(cohort)
    ids = [m.id for m in modules]
    # Students per number of modules complete, and of them the stalled ones, from each
    # enrolment's summary (one index scan, one statement).
    stalled_if = _stalled_condition(cohort, len(modules), now - timedelta(days=stalled_days))
    rows = db.session.execute(
        select(Enrolment.completed_modules, func.count(), func.count().filter(stalled_if))
        .where(Enrolment.cohort_id == cohort.id)
        .group_by(Enrolment.completed_modules)
    ).all()
    histogram = {completed: n for completed, n, _stalled_n in rows}
    stalled_count = sum(stalled_n for _completed, _n, stalled_n in rows)
    enrolled = sum(histogram.values())
    per_module = _per_module(cohort, ids)
    certificates, revoked = _certificates(cohort)
    funnel = [("enrolled", 0, enrolled)]
    for n in range(1, len(modules) + 1):
        funnel.append(("modules", n, sum(c for k, c in histogram.items() if k >= n)))
    if certificates is not None:
        funnel.append(("cert", 0, certificates - revoked))
    median, p90, count = _feedback_times(cohort, now - timedelta(days=FEEDBACK_DAYS))
    stalled = _stalled(stalled_if)
    return Dashboard(
        cohort=cohort,
        enrolled=enrolled,
        ordered=queries.in_order(cohort),
        funnel=funnel,
        modules=[ModuleFigures(m, *per_module.get(m.id, (0, 0, 0, 0))) for m in modules],
        backlog=_backlog(cohort, now),
        feedback_count=count,
        feedback_median=median,
        feedback_p90=p90,
        feedback_days=FEEDBACK_DAYS,
        stalled_days=stalled_days,
        stalled_count=stalled_count,
        stalled=stalled,
        certificates=certificates,
        revoked=revoked,
    )


def _per_module(cohort: Cohort, ids: list[int]) -> dict[int, tuple[int, int, int, int]]:
    """Per module: students who completed it, who tried its quiz, who passed it, and the
    attempts, in one pass over the cohort's progress rows (the attempts are counted on them)."""
    rows = db.session.execute(
        select(
            ModuleProgress.module_id,
            func.count(ModuleProgress.completed_at),
            func.count().filter(ModuleProgress.quiz_attempts > 0),
            func.count(ModuleProgress.quiz_passed_at),
            func.coalesce(func.sum(ModuleProgress.quiz_attempts), 0),
        )
        .join(
            Enrolment,
            (Enrolment.user_id == ModuleProgress.user_id) & (Enrolment.cohort_id == cohort.id),
        )
        .where(ModuleProgress.module_id.in_(ids))
        .group_by(ModuleProgress.module_id)
    ).all()
    return {module_id: tuple(figures) for module_id, *figures in rows}


def _backlog(cohort: Cohort, now: datetime) -> dict[str, int]:
    """Each (student, module)'s latest attempt, counted by state, in one statement that reads
    three indexes and no attempt rows.

    An open attempt (draft, waiting, in review) and an accepted one are always the latest of
    their module: a new attempt only follows a returned one. Every (student, module) has exactly
    one first attempt, so the returned ones still to be revised are the rest."""
    waiting = queries.waiting_expr(now)
    in_cohort = Submission.cohort_id == cohort.id
    parts = union_all(
        select(waiting.label("state"), func.count().label("n"))
        .where(in_cohort, Submission.status.in_([Status.SUBMITTED, Status.IN_REVIEW]))
        .group_by(waiting),
        select(Submission.status, func.count())
        .where(in_cohort, Submission.status.in_([Status.DRAFT, Status.ACCEPTED]))
        .group_by(Submission.status),
        select(literal(FIRST_ATTEMPTS), func.count()).where(in_cohort, Submission.attempt_no == 1),
    )
    counts = dict.fromkeys(BACKLOG_STATES, 0)
    first = 0
    for state, n in db.session.execute(parts).all():
        if state == FIRST_ATTEMPTS:
            first = n
        else:
            counts[Status(state).value] += n
    counts[Status.RETURNED.value] = max(0, first - sum(counts.values()))
    return counts


def _feedback_times(cohort: Cohort, since: datetime) -> tuple[float | None, float | None, int]:
    """Median and 90th percentile of hours from hand-in to feedback, over the first attempts
    reviewed since ``since`` (an index range, however long the cohort has run).

    PostgreSQL computes the percentiles itself; elsewhere only the one column of durations
    is fetched and interpolated the same way (``percentile_cont``)."""
    reviewed = and_(
        Submission.cohort_id == cohort.id,
        Submission.attempt_no == 1,
        Submission.reviewed_at >= since,
        Submission.submitted_at.is_not(None),
    )
    if db.engine.dialect.name == "postgresql":
        seconds = func.extract("epoch", Submission.reviewed_at - Submission.submitted_at)
        median, p90, count = db.session.execute(
            select(
                func.percentile_cont(0.5).within_group(seconds),
                func.percentile_cont(0.9).within_group(seconds),
                func.count(),
            ).where(reviewed)
        ).one()
        return _hours(median), _hours(p90), count
    seconds = (
        func.julianday(Submission.reviewed_at) - func.julianday(Submission.submitted_at)
    ) * 86400
    values = sorted(v for v in db.session.scalars(select(seconds).where(reviewed)) if v is not None)
    return (
        _percentile(values, 0.5),
        _percentile(values, 0.9),
        len(values),
    )


def _hours(seconds) -> float | None:
    return None if seconds is None else float(seconds) / 3600


def _percentile(values: list[float], fraction: float) -> float | None:
    """``percentile_cont``: linear interpolation between the closest ranks, in hours."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    value = values[low] + (values[high] - values[low]) * (position - low)
    return value / 3600


def _stalled_condition(cohort: Cohort, total: int, cutoff: datetime) -> ColumnElement[bool]:
    """Students who have not finished and have done nothing since ``cutoff``."""
    return and_(
        Enrolment.cohort_id == cohort.id,
        Enrolment.last_activity_at < cutoff,
        Enrolment.completed_modules < max(total, 1),
    )


def _stalled(condition: ColumnElement[bool]) -> list[tuple[int, str, datetime]]:
    """The longest-idle few stalled students (from the enrolments' summaries, in activity
    order); they are counted with the histogram."""
    rows = db.session.execute(
        select(User.id, User.name, Enrolment.last_activity_at)
        .select_from(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .where(condition)
        .order_by(Enrolment.last_activity_at, Enrolment.user_id)
        .limit(STALLED_LIST)
    ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def _certificates(cohort: Cohort) -> tuple[int | None, int]:
    Certificate = queries.certificate_model()
    if Certificate is None:
        return None, 0
    issued, revoked = db.session.execute(
        select(func.count(), func.count(Certificate.revoked_at)).where(
            Certificate.cohort_id == cohort.id
        )
    ).one()
    return issued or 0, revoked or 0
