"""Reminders before a homework due date (ADR 0021): 48 hours before, every student who has not
handed the homework in gets an email (unless they opted out of reminders) and an in-app notice,
in their language, once per student and due date.

Once, whatever runs it: each reminder is a ``due_reminder`` row, unique per (enrolment,
module, due instant), written with ``INSERT ... ON CONFLICT DO NOTHING RETURNING``; only the
rows this run inserted get a notice and an email, in the same transaction. A second run, or a
second worker at the same moment, inserts nothing and sends nothing. An extension or a moved
due date is a new instant: the student is reminded again for it.

At scale: the students of a cohort are read a page at a time (keyset on the enrolment id, plain
rows, not objects), and each page costs the same handful of statements (extensions, hand-ins,
reminder rows, notices, opt-outs, outbox rows) and is committed on its own, so the job's
statements grow with pages, not students, and its memory with the page size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from app import i18n, mail, unit_of_work
from app.auth.models import User
from app.cohorts import services as cohorts
from app.cohorts.models import EXTENSION_DAYS_MAX, Cohort, Enrolment, Extension
from app.db import utcnow
from app.extensions import db
from app.homework.models import DueReminder, Notification, Status, Submission
from app.learning.content import pick
from app.learning.models import Course, Module
from app.links import external_url

WINDOW = timedelta(hours=48)
NOTICE_KIND = "homework_due"


@dataclass(frozen=True)
class _Target:
    module: Module
    due_at: datetime  # the cohort's due date, before any extension


def send_due_reminders(now: datetime | None = None) -> int:
    """Remind everyone whose homework is due within ``WINDOW`` of ``now``; how many were
    reminded by this run. Commits after each page."""
    now = now or utcnow()
    reminded = 0
    for cohort, targets in _cohorts_due_soon(now):
        after = 0
        while page := _page(cohort.id, after):
            after = page[-1].enrolment_id
            reminded += _remind_page(cohort, targets, page, now)
            unit_of_work.commit()
    return reminded


def _cohorts_due_soon(now: datetime) -> list[tuple[Cohort, list[_Target]]]:
    """Live cohorts with a due date close enough that someone, extension included, may be
    within the window (a few cohorts: one query, and one for each one's own dates)."""
    live = (
        db.session.execute(
            db.select(Cohort)
            .options(joinedload(Cohort.course).joinedload(Course.modules))
            .where(Cohort.archived_at.is_(None))
            .order_by(Cohort.id)
        )
        .unique()
        .scalars()
        .all()
    )
    found = []
    earliest = now - timedelta(days=EXTENSION_DAYS_MAX)
    for cohort in live:
        targets = []
        for module in cohort.course.modules:
            due_at = cohorts.module_dates(cohort, module).due_at
            if due_at is not None and earliest < due_at <= now + WINDOW:
                targets.append(_Target(module, due_at))
        if targets:
            found.append((cohort, targets))
    return found


def _page(cohort_id: int, after: int) -> Sequence[Any]:
    size = current_app.config["REMINDER_BATCH"]
    return db.session.execute(
        db.select(
            Enrolment.id.label("enrolment_id"),
            User.id.label("user_id"),
            User.email,
            User.name,
            User.locale,
            User.timezone,
        )
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.cohort_id == cohort_id, Enrolment.id > after, User.active.is_(True))
        .order_by(Enrolment.id)
        .limit(size)
    ).all()


def _remind_page(cohort: Cohort, targets: list[_Target], page: Sequence[Any], now) -> int:
    by_enrolment = {row.enrolment_id: row for row in page}
    extensions: dict[int, dict[int | None, int]] = {}
    for enrolment_id, module_id, days in db.session.execute(
        db.select(Extension.enrolment_id, Extension.module_id, Extension.days).where(
            Extension.enrolment_id.in_(by_enrolment)
        )
    ):
        extensions.setdefault(enrolment_id, {})[module_id] = days
    due: dict[tuple[int, int], datetime] = {}
    for row in page:
        own = extensions.get(row.enrolment_id, {})
        for target in targets:
            due_at = target.due_at + timedelta(days=cohorts.extension_days(own, target.module.id))
            if now < due_at <= now + WINDOW:
                due[(row.enrolment_id, target.module.id)] = due_at
    if not due:
        return 0
    handed_in: set[tuple[int, int]] = set(
        db.session.execute(
            db.select(Submission.user_id, Submission.module_id)
            .where(
                Submission.user_id.in_({by_enrolment[e].user_id for e, _m in due}),
                Submission.module_id.in_({m for _e, m in due}),
                Submission.status != Status.DRAFT,
            )
            .distinct()
        ).all()
    )
    wanted = [
        {"enrolment_id": e, "module_id": m, "due_at": at, "sent_at": now}
        for (e, m), at in due.items()
        if (by_enrolment[e].user_id, m) not in handed_in
    ]
    won = _insert_reminders(wanted)
    if not won:
        return 0
    modules = {t.module.id: t.module for t in targets}
    db.session.execute(
        db.insert(Notification),
        [{"user_id": by_enrolment[e].user_id, "kind": NOTICE_KIND, "module_id": m} for e, m in won],
    )
    letters = [_letter(cohort, by_enrolment[e], modules[m], due[(e, m)]) for e, m in won]
    mail.queue_many(letters, mail.Kind.REMINDERS)
    return len(won)


def _insert_reminders(rows: list[dict]) -> list[tuple[int, int]]:
    """Insert the reminder rows nobody has written yet; the (enrolment, module) pairs this run
    won (a row another run holds is skipped by the database, not by a read before)."""
    if not rows:
        return []
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(DueReminder)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["enrolment_id", "module_id", "due_at"])
        .returning(DueReminder.enrolment_id, DueReminder.module_id)
    )
    return [(e, m) for e, m in db.session.execute(statement)]


def _letter(cohort: Cohort, row: Any, module: Module, due_at: datetime) -> mail.Letter:
    locale = row.locale or cohort.default_locale
    tz = cohorts.student_timezone(row.timezone, cohort)
    course = cohort.course
    return mail.Letter(
        to=row.email,
        user_id=row.user_id,
        template="homework_due",
        locale=locale,
        context={
            "name": row.name,
            "module_title": str(pick(module.title, locale)),
            "when": i18n.local_datetime(due_at, tz, locale, year=False),
            "zone": tz.key,
            "url": external_url(
                "homework.homework", course_slug=course.slug, module_slug=module.slug
            ),
        },
    )
