"""Students at risk of falling behind in a cohort, and the nudges sent to them.

A student of the cohort who has not finished the course is at risk when any of these holds:

- *idle*: no activity for ``days`` days (``Enrolment.last_activity_at``, the progress summary
  of ADR 0007, read through ``ix_enrolment_cohort_activity``);
- *quiz*: they failed a module's quiz and have not passed it since;
- *revision*: their homework was returned for revision ``days`` days ago or more, and they have
  not handed in a new attempt;
- *late*: they missed a due date (``missed_due_date``: a passed due date, nothing handed in, no
  extension still running).

A page is three statements (the rows, the count, the reasons of the page's rows) whatever
the cohort's size; the criteria are correlated EXISTS on the per-student indexes of the
progress and homework tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, exists, false, func, insert, or_, select, update
from sqlalchemy.orm import aliased

from app import mail
from app.audit.services import record
from app.auth.models import User
from app.cohorts import services as cohorts
from app.cohorts.models import Cohort, Enrolment, Extension
from app.cohorts.policy import ensure_writable
from app.db import utcnow
from app.extensions import db
from app.homework.models import Status, Submission
from app.learning.models import Module, ModuleProgress
from app.links import external_url
from app.teaching.models import Nudge

PAGE = 50
NUDGE_MAX = 10_000  # "everyone on this filter" at most
REASONS = {
    "idle": _l("No activity"),
    "quiz": _l("Failed a quiz, not passed since"),
    "revision": _l("Homework returned, not handed in again"),
    "late": _l("Missed a due date"),
}


@dataclass(frozen=True)
class RiskFilter:
    days: int = 7
    reason: str = ""  # "" = any


@dataclass(frozen=True)
class AtRisk:
    user_id: int
    name: str
    last_activity_at: datetime | None
    completed_modules: int
    reasons: list[str]


def missed_due_date(cohort: Cohort, now: datetime) -> ColumnElement[bool] | None:
    """The "missed a due date" criterion, correlated to ``Enrolment``: a module of the course
    whose due date (the cohort's, or the course's default) has passed, with no attempt handed in
    for it and no extension of the student's still running. None when no due date has passed.
    An extension of ``days`` still runs when ``days`` exceeds the days since the due date, so
    the comparison needs no date arithmetic in SQL (the same on SQLite and PostgreSQL)."""
    missed = []
    modules = db.session.scalars(
        select(Module).where(Module.course_id == cohort.course_id, Module.retired.is_(False))
    )
    for module in modules:
        due_at = cohorts.module_dates(cohort, module).due_at
        if due_at is None or due_at >= now:
            continue
        days_since = (now - due_at) / timedelta(days=1)
        missed.append(
            and_(
                ~exists().where(
                    Submission.user_id == Enrolment.user_id,
                    Submission.module_id == module.id,
                    Submission.status != Status.DRAFT,
                ),
                ~exists().where(
                    Extension.enrolment_id == Enrolment.id,
                    or_(Extension.module_id == module.id, Extension.module_id.is_(None)),
                    Extension.days > days_since,
                ),
            )
        )
    return or_(*missed) if missed else None


def _conditions(cohort: Cohort, f: RiskFilter, now: datetime) -> dict[str, ColumnElement[bool]]:
    cutoff = now - timedelta(days=f.days)
    later = aliased(Submission)
    conditions: dict[str, ColumnElement[bool]] = {
        "idle": Enrolment.last_activity_at < cutoff,
        "quiz": exists().where(
            ModuleProgress.user_id == Enrolment.user_id,
            ModuleProgress.quiz_attempts > 0,
            ModuleProgress.quiz_passed_at.is_(None),
            ModuleProgress.module_id.in_(
                select(Module.id).where(Module.course_id == cohort.course_id)
            ),
        ),
        "revision": exists().where(
            Submission.user_id == Enrolment.user_id,
            Submission.cohort_id == cohort.id,
            Submission.status == Status.RETURNED,
            Submission.reviewed_at < cutoff,
            # The revision is the next attempt (``uq_submission_user_id_module_id_attempt_no``).
            ~exists().where(
                later.user_id == Submission.user_id,
                later.module_id == Submission.module_id,
                later.attempt_no == Submission.attempt_no + 1,
                later.status != Status.DRAFT,
            ),
        ),
    }
    late = missed_due_date(cohort, now)
    if late is not None:
        conditions["late"] = late
    return conditions


def _where(cohort: Cohort, f: RiskFilter, now: datetime):
    conditions = _conditions(cohort, f, now)
    modules = db.session.scalar(
        select(func.count()).where(Module.course_id == cohort.course_id, Module.retired.is_(False))
    )
    chosen = [conditions.get(f.reason, false())] if f.reason else list(conditions.values())
    if f.reason and f.reason not in conditions:
        chosen = [false()]
    return conditions, [
        Enrolment.cohort_id == cohort.id,
        Enrolment.completed_modules < (modules or 0),
        or_(*chosen),
    ]


def at_risk(
    cohort: Cohort, f: RiskFilter, page: int = 1, now: datetime | None = None
) -> tuple[list[AtRisk], int]:
    """One page of the students at risk, idle the longest first; and how many there are.

    Three statements whatever the cohort's size: the page (through the activity index), the
    count, and each criterion for the page's students only (correlated lookups for 50 rows,
    instead of evaluating every criterion over the whole cohort)."""
    now = now or utcnow()
    conditions, where = _where(cohort, f, now)
    rows = db.session.execute(
        select(
            Enrolment.user_id, User.name, Enrolment.last_activity_at, Enrolment.completed_modules
        )
        .join(User, User.id == Enrolment.user_id)
        .where(*where)
        .order_by(Enrolment.last_activity_at, Enrolment.user_id)
        .limit(PAGE)
        .offset((page - 1) * PAGE)
    ).all()
    total = db.session.scalar(select(func.count()).select_from(Enrolment).where(*where)) or 0
    flags: dict[int, list[str]] = {}
    if rows:
        found = db.session.execute(
            select(Enrolment.user_id, *[c.label(name) for name, c in conditions.items()]).where(
                Enrolment.cohort_id == cohort.id,
                Enrolment.user_id.in_([row.user_id for row in rows]),
            )
        ).all()
        flags = {r.user_id: [name for name in conditions if r._mapping[name]] for r in found}
    out = [
        AtRisk(
            row.user_id,
            row.name,
            row.last_activity_at,
            row.completed_modules,
            flags.get(row.user_id, []),
        )
        for row in rows
    ]
    return out, total


def matching_ids(cohort: Cohort, f: RiskFilter, now: datetime | None = None) -> list[int]:
    """Every student on the filter (for "nudge everyone on this filter"), up to NUDGE_MAX."""
    _, where = _where(cohort, f, now or utcnow())
    return list(
        db.session.scalars(
            select(Enrolment.user_id).where(*where).order_by(Enrolment.user_id).limit(NUDGE_MAX)
        )
    )


def nudge(admin: User, cohort: Cohort, user_ids: Sequence[int], f: RiskFilter) -> list[int]:
    """Record a nudge for each of ``user_ids`` who is a student of the cohort; the emails go
    from the queue after commit (``mail_nudges``). Returns the nudges' ids."""
    ensure_writable(cohort)
    enrolled = list(
        db.session.scalars(
            select(Enrolment.user_id)
            .where(Enrolment.cohort_id == cohort.id, Enrolment.user_id.in_(set(user_ids)))
            .order_by(Enrolment.user_id)
        )
    )
    if not enrolled:
        return []
    now = utcnow()
    reasons = [f.reason] if f.reason else []
    ids = list(
        db.session.scalars(
            insert(Nudge).returning(Nudge.id),
            [
                {
                    "cohort_id": cohort.id,
                    "user_id": uid,
                    "sent_by_id": admin.id,
                    "sent_at": now,
                    "reasons": reasons,
                }
                for uid in enrolled
            ],
        )
    )
    record(
        "teaching.students_nudged",
        actor=admin,
        target=cohort,
        students=len(enrolled),
        days=f.days,
        reason=f.reason or "any",
    )
    return ids


def _queue_mail(user: User, cohort: Cohort, kind: mail.Kind) -> None:
    """The one place nudge emails are queued (nothing for a student who opted out of
    ``kind``; the others get the one-click unsubscribe)."""
    locale = user.locale or cohort.default_locale
    mail.queue(
        user.email,
        "nudge",
        locale,
        kind=kind,
        user_id=user.id,
        user=user,
        url=external_url("learning.dashboard"),
    )


def mail_nudges(ids: Sequence[int]) -> int:
    """Email the nudges of ``ids`` not emailed yet, marking them in the same unit of work."""
    rows = db.session.execute(
        select(Nudge.id, User, Cohort)
        .join(User, User.id == Nudge.user_id)
        .join(Cohort, Cohort.id == Nudge.cohort_id)
        .where(Nudge.id.in_(ids), Nudge.mailed_at.is_(None))
        .order_by(Nudge.id)
        .with_for_update(of=Nudge)
    ).all()
    for _id, user, cohort in rows:
        _queue_mail(user, cohort, kind=mail.Kind.NUDGES)
    db.session.execute(
        update(Nudge)
        .where(Nudge.id.in_([row[0] for row in rows]))
        .values(mailed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return len(rows)


def last_nudged(cohort_id: int, user_ids: Sequence[int]) -> dict[int, datetime]:
    """When each of ``user_ids`` was last nudged in the cohort (one grouped statement)."""
    rows = db.session.execute(
        select(Nudge.user_id, func.max(Nudge.sent_at))
        .where(Nudge.cohort_id == cohort_id, Nudge.user_id.in_(list(user_ids)))
        .group_by(Nudge.user_id)
    ).all()
    return {uid: at for uid, at in rows}
