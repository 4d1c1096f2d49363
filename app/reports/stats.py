"""The cohort dashboard's figures: a fixed handful of grouped queries, whatever the cohort size.

Per-student figures come from each enrolment's summary (``app.cohorts.summary``) and the
homework figures from partial indexes, so the page reads indexes, not the cohort's history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, func, or_, select, true

from app.auth.models import User
from app.cohorts.models import Cohort, Enrolment
from app.db import utcnow
from app.extensions import db
from app.homework.models import Status, Submission
from app.learning.models import Course, ModuleProgress
from app.learning.services import ModuleLine, course_modules
from app.reports import queries

BACKLOG_STATES = ("draft", "submitted", "in_review", "returned", "accepted")
STALLED_LIST = 20
FEEDBACK_DAYS = 30  # time to feedback: over the first attempts reviewed in this many days


@dataclass(frozen=True)
class CohortFacts:
    """What the dashboard shows of the cohort itself, and its course's current modules."""

    id: int
    name: str
    ordered: bool  # modules in order (the course's and the cohort's setting)
    modules: tuple[ModuleLine, ...]


def cohort_facts(cohort_id: int) -> CohortFacts | None:
    """The cohort's facts in one single-row statement (no ORM objects), or None."""
    row = db.session.execute(_facts_query(), {"cohort_id": cohort_id}).first()
    if row is None:
        return None
    id_, name, cohort_in_order, course_in_order, course_id, imported_at = row
    return CohortFacts(
        id_, name, bool(course_in_order and cohort_in_order), course_modules(course_id, imported_at)
    )


@cache
def _facts_query() -> Select[Any]:
    return (
        select(
            Cohort.id,
            Cohort.name,
            Cohort.sequential,
            Course.sequential,
            Course.id,
            Course.imported_at,
        )
        .join(Course, Course.id == Cohort.course_id)
        .where(Cohort.id == bindparam("cohort_id"))
    )


def facts_of(cohort: Cohort) -> CohortFacts:
    """The same facts of a loaded cohort."""
    return CohortFacts(
        cohort.id,
        cohort.name,
        queries.in_order(cohort),
        course_modules(cohort.course_id, cohort.course.imported_at),
    )


@dataclass
class ModuleFigures:
    module: ModuleLine
    completed: int
    quiz_students: int  # students who tried the quiz at least once
    quiz_passed: int  # ... and passed it
    quiz_attempts: int

    @property
    def quiz_pass_rate(self) -> int | None:
        return round(100 * self.quiz_passed / self.quiz_students) if self.quiz_students else None


@dataclass
class Dashboard:
    cohort: CohortFacts
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


def dashboard(cohort: Cohort | CohortFacts, *, stalled_days: int = 7) -> Dashboard:
    """The figures in two statements: the cohort-wide counts (enrolments, homework, time to
    feedback, certificates) with each module's figures, and the stalled list. The course's
    modules come from the per-version outline (``app.learning.outline``).

    The statements are built once per shape (number of modules, database) and kept, with the
    cohort, the times and the module ids as parameters: building them cost more Python than
    running them."""
    facts = cohort if isinstance(cohort, CohortFacts) else facts_of(cohort)
    now = utcnow()
    modules = facts.modules
    total = len(modules)
    postgres = db.engine.dialect.name == "postgresql"
    params = {
        "cohort_id": facts.id,
        "now": now,
        "idle_since": now - timedelta(days=stalled_days),
        "unfinished": max(total, 1),
        "reviewed_since": now - timedelta(days=FEEDBACK_DAYS),
        "module_ids": [m.id for m in modules],
    }
    rows = db.session.execute(
        _totals_query(total, postgres, queries.certificate_model() is not None), params
    ).all()
    totals = dict(rows[0]._mapping)
    per_module = {
        row.pm_module: (row.pm_completed, row.pm_tried, row.pm_passed, row.pm_attempts)
        for row in rows
        if row.pm_module is not None
    }
    enrolled = totals["enrolled"] or 0
    funnel = [("enrolled", 0, enrolled)]
    for n in range(1, total + 1):
        funnel.append(("modules", n, totals[f"done_{n}"] or 0))
    certificates = None if "issued" not in totals else totals["issued"] or 0
    revoked = totals.get("revoked") or 0
    if certificates is not None:
        funnel.append(("cert", 0, certificates - revoked))
    stalled = [tuple(row) for row in db.session.execute(_stalled_query(), params)]
    median, p90 = _percentiles(totals)
    return Dashboard(
        cohort=facts,
        enrolled=enrolled,
        ordered=facts.ordered,
        funnel=funnel,
        modules=[ModuleFigures(m, *per_module.get(m.id, (0, 0, 0, 0))) for m in modules],
        backlog=_backlog(totals),
        feedback_count=totals["feedback_n"] or 0,
        feedback_median=median,
        feedback_p90=p90,
        feedback_days=FEEDBACK_DAYS,
        stalled_days=stalled_days,
        stalled_count=totals["stalled"] or 0,
        stalled=stalled,  # type: ignore[arg-type]
        certificates=certificates,
        revoked=revoked,
    )


def _stalled_condition() -> ColumnElement[bool]:
    """Students who have not finished and have done nothing since ``idle_since``."""
    return and_(
        Enrolment.cohort_id == bindparam("cohort_id"),
        Enrolment.last_activity_at < bindparam("idle_since"),
        Enrolment.completed_modules < bindparam("unfinished"),
    )


@cache
def _totals_query(total: int, postgres: bool, certificates: bool) -> Select[Any]:
    """The cohort-wide counts, repeated on each module's row: each part is a one-row aggregate
    with the same conditions (and so the same index reads) as when it was a statement of its
    own, joined side by side; the per-module figures (``pm_*``) are joined to that one row."""
    in_cohort = Submission.cohort_id == bindparam("cohort_id")
    parts = [
        # Students, the stalled ones, and those with at least n modules complete, from each
        # enrolment's summary (one index range).
        select(
            func.count().label("enrolled"),
            func.count().filter(_stalled_condition()).label("stalled"),
            *[
                func.count().filter(Enrolment.completed_modules >= n).label(f"done_{n}")
                for n in range(1, total + 1)
            ],
        ).where(Enrolment.cohort_id == bindparam("cohort_id")),
        # The homework backlog from three partial indexes, reading no attempt rows (see
        # ``_backlog``). An in-review attempt whose claim expired is waiting, as the queue says.
        select(
            func.count().label("open"),
            func.count()
            .filter(
                or_(
                    Submission.status == Status.SUBMITTED,
                    Submission.claim_expires_at <= bindparam("now"),
                )
            )
            .label("waiting"),
        ).where(in_cohort, Submission.status.in_([Status.SUBMITTED, Status.IN_REVIEW])),
        select(
            func.count().filter(Submission.status == Status.DRAFT).label("draft"),
            func.count().filter(Submission.status == Status.ACCEPTED).label("accepted"),
        ).where(in_cohort, Submission.status.in_([Status.DRAFT, Status.ACCEPTED])),
        select(func.count().label("first")).where(in_cohort, Submission.attempt_no == 1),
        _feedback_part(postgres),
    ]
    Certificate = queries.certificate_model()
    if certificates and Certificate is not None:
        parts.append(
            select(
                func.count().label("issued"), func.count(Certificate.revoked_at).label("revoked")
            ).where(Certificate.cohort_id == bindparam("cohort_id"))
        )
    tables = [part.subquery(f"t{i}") for i, part in enumerate(parts)]
    query = select(*[column for table in tables for column in table.c]).select_from(tables[0])
    for table in tables[1:]:
        query = query.join(table, true())
    per_module = _per_module_query().subquery("per_module")
    return query.add_columns(*per_module.c).outerjoin(per_module, true())


def _per_module_query() -> Select[Any]:
    """Per module: students who completed it, who tried its quiz, who passed it, and the
    attempts, in one pass over the cohort's progress rows (the attempts are counted on them)."""
    return (
        select(
            ModuleProgress.module_id.label("pm_module"),
            func.count(ModuleProgress.completed_at).label("pm_completed"),
            func.count().filter(ModuleProgress.quiz_attempts > 0).label("pm_tried"),
            func.count(ModuleProgress.quiz_passed_at).label("pm_passed"),
            func.coalesce(func.sum(ModuleProgress.quiz_attempts), 0).label("pm_attempts"),
        )
        .join(
            Enrolment,
            (Enrolment.user_id == ModuleProgress.user_id)
            & (Enrolment.cohort_id == bindparam("cohort_id")),
        )
        .where(ModuleProgress.module_id.in_(bindparam("module_ids", expanding=True)))
        .group_by(ModuleProgress.module_id)
    )


@cache
def _stalled_query() -> Select[Any]:
    """The longest-idle few stalled students (from the enrolments' summaries, in activity
    order); they are counted with the other totals."""
    return (
        select(User.id, User.name, Enrolment.last_activity_at)
        .select_from(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .where(_stalled_condition())
        .order_by(Enrolment.last_activity_at, Enrolment.user_id)
        .limit(STALLED_LIST)
    )


def _backlog(totals: dict[str, Any]) -> dict[str, int]:
    """Each (student, module)'s latest attempt, counted by state.

    An open attempt (draft, waiting, in review) and an accepted one are always the latest of
    their module: a new attempt only follows a returned one. Every (student, module) has exactly
    one first attempt, so the returned ones still to be revised are the rest."""
    waiting, open_ = totals["waiting"] or 0, totals["open"] or 0
    counts = dict.fromkeys(BACKLOG_STATES, 0)
    counts[Status.DRAFT.value] = totals["draft"] or 0
    counts[Status.SUBMITTED.value] = waiting
    counts[Status.IN_REVIEW.value] = open_ - waiting
    counts[Status.ACCEPTED.value] = totals["accepted"] or 0
    counts[Status.RETURNED.value] = max(0, (totals["first"] or 0) - sum(counts.values()))
    return counts


def _feedback_part(postgres: bool) -> Select[Any]:
    """Hours from hand-in to feedback over the first attempts reviewed since ``reviewed_since`` (an
    index range, however long the cohort has run): their number, and the median and 90th
    percentile (``_percentiles``).

    PostgreSQL computes the percentiles itself; elsewhere the values at the two ranks each
    percentile falls between are picked with window functions, and interpolated the same way
    (``percentile_cont``)."""
    reviewed = and_(
        Submission.cohort_id == bindparam("cohort_id"),
        Submission.attempt_no == 1,
        Submission.reviewed_at >= bindparam("reviewed_since"),
        Submission.submitted_at.is_not(None),
    )
    if postgres:
        seconds = func.extract("epoch", Submission.reviewed_at - Submission.submitted_at)
        return select(
            func.count().label("feedback_n"),
            func.percentile_cont(0.5).within_group(seconds).label("p50"),
            func.percentile_cont(0.9).within_group(seconds).label("p90"),
        ).where(reviewed)
    seconds = (
        func.julianday(Submission.reviewed_at) - func.julianday(Submission.submitted_at)
    ) * 86400
    ranked = (
        select(
            seconds.label("s"),
            (func.row_number().over(order_by=seconds) - 1).label("rank"),
            func.count().over().label("n"),
        )
        .where(reviewed, seconds.is_not(None))
        .subquery("ranked")
    )
    picks = []
    for name, tenths in (("p50", 5), ("p90", 9)):
        low = (tenths * (ranked.c.n - 1)) // 10  # the rank below the percentile
        for suffix, rank in (("low", low), ("high", low + 1)):
            picks.append(
                func.max(case((ranked.c.rank == rank, ranked.c.s))).label(f"{name}_{suffix}")
            )
    return select(func.count().label("feedback_n"), *picks)


def _percentiles(totals: dict[str, Any]) -> tuple[float | None, float | None]:
    """The median and 90th percentile in hours, from ``_feedback_part``'s columns."""
    if "p50" in totals:
        return _hours(totals["p50"]), _hours(totals["p90"])
    n = totals["feedback_n"] or 0
    out = []
    for name, tenths in (("p50", 5), ("p90", 9)):
        low, high = totals[f"{name}_low"], totals[f"{name}_high"]
        if not n or low is None:
            out.append(None)
            continue
        high = low if high is None else high
        fraction = tenths * (n - 1) % 10 / 10  # of the way from the lower rank to the next
        out.append((low + (high - low) * fraction) / 3600)
    return out[0], out[1]


def _hours(seconds) -> float | None:
    return None if seconds is None else float(seconds) / 3600
