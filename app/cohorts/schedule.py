"""A cohort's dates (ADR 0021): when each module opens and when its homework is due, for the
cohort and for one student (with their extension).

The course supplies defaults (``course.yaml`` ``schedule``: one module every
``module_every_days`` from the cohort's start, its homework due ``homework_due_days`` after it
opens, at 23:59 cohort time); an admin may set a cohort's own dates (``CohortModuleDate``); an
extension adds days to one student's due dates. Every instant is UTC; time zones matter only
where people enter or read a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask import current_app, g

from app.cohorts.models import CohortModuleDate, Extension, site_timezone
from app.extensions import db
from app.i18n import zone

if TYPE_CHECKING:
    from app.cohorts.models import Cohort, Enrolment
    from app.learning.models import Module

DUE_TIME = time(23, 59)  # a default due date ends at 23:59, cohort time


@dataclass(frozen=True)
class ModuleDates:
    """A module's dates in one cohort (UTC; None when the cohort has no such date)."""

    opens_at: datetime | None = None
    due_at: datetime | None = None
    custom: bool = False  # set by an admin for this cohort, not the course's default


NO_DATES = ModuleDates()


def cohort_timezone(cohort: Cohort) -> ZoneInfo:
    """The zone a cohort's dates are meant in: its own (a new cohort takes the site's
    ``TIMEZONE``, Asia/Almaty by default)."""
    found = zone(cohort.timezone or site_timezone())
    if found is None:
        current_app.logger.error(
            "cohort %s: unknown time zone %r; its dates are read in UTC", cohort.id, cohort.timezone
        )
        return ZoneInfo("UTC")
    return found


def student_timezone(timezone: str | None, cohort: Cohort) -> ZoneInfo:
    """The zone a student reads dates in: their own choice, else their cohort's."""
    return zone(timezone) or cohort_timezone(cohort)


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """``day`` at ``at`` on the wall clock of ``tz``, as a UTC instant. A time skipped by a
    clock change (spring forward) is read with the offset before the change (``fold=0``)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def cohort_starts_at(cohort: Cohort) -> datetime | None:
    """The UTC moment the cohort starts: midnight at the start of ``starts_on``, local time."""
    if cohort.starts_on is None:
        return None
    return local_instant(cohort.starts_on, time.min, cohort_timezone(cohort))


def default_dates(cohort: Cohort, module: Module) -> ModuleDates:
    """The course's default dates for ``module`` in ``cohort`` (none without a start date)."""
    course = cohort.course
    if cohort.starts_on is None or course is None or course.module_every_days is None:
        return NO_DATES
    return dates_by_default(
        cohort.starts_on,
        cohort_timezone(cohort),
        course.module_every_days,
        course.homework_due_days,
        module.position,
    )


def dates_by_default(
    starts_on: date | None,
    tz: ZoneInfo,
    every_days: int | None,
    due_days: int | None,
    position: int,
) -> ModuleDates:
    """The default dates of the module at ``position``, from the cohort's start and the
    course's ``schedule`` (none without a start date or a module interval)."""
    if starts_on is None or every_days is None:
        return NO_DATES
    opens_on = starts_on + timedelta(days=every_days * (position - 1))
    opens_at = local_instant(opens_on, time.min, tz)
    if due_days is None:
        return ModuleDates(opens_at, None)
    due_at = local_instant(opens_on + timedelta(days=due_days), DUE_TIME, tz)
    return ModuleDates(opens_at, due_at)


def _cache(name: str) -> dict:
    return g.setdefault(f"tekser.schedule.{name}", {})


def forget() -> None:
    """Drop what this unit of work read of the schedules (after changing them)."""
    for name in ("cohort", "extensions"):
        g.pop(f"tekser.schedule.{name}", None)


def custom_dates(cohort_id: int | None) -> dict[int, CohortModuleDate]:
    """The dates an admin set for the cohort, by module id (one query per cohort and unit of
    work)."""
    if cohort_id is None:
        return {}
    cache = _cache("cohort")
    if cohort_id not in cache:
        rows = db.session.scalars(
            db.select(CohortModuleDate).where(CohortModuleDate.cohort_id == cohort_id)
        )
        cache[cohort_id] = {row.module_id: row for row in rows}
    return cache[cohort_id]


def module_dates(cohort: Cohort, module: Module) -> ModuleDates:
    """The module's dates in the cohort: the admin's, else the course's defaults."""
    row = custom_dates(cohort.id).get(module.id)
    if row is not None:
        return ModuleDates(row.opens_at, row.due_at, custom=True)
    return default_dates(cohort, module)


def extensions_of(enrolment_id: int | None) -> dict[int | None, int]:
    """The student's extensions: days by module id (None: the whole course)."""
    if enrolment_id is None:
        return {}
    cache = _cache("extensions")
    if enrolment_id not in cache:
        rows = db.session.execute(
            db.select(Extension.module_id, Extension.days).where(
                Extension.enrolment_id == enrolment_id
            )
        )
        cache[enrolment_id] = {module_id: days for module_id, days in rows}
    return cache[enrolment_id]


def extension_days(extensions: dict[int | None, int], module_id: int) -> int:
    """A module's own extension wins over the course-wide one."""
    return extensions.get(module_id, extensions.get(None, 0))


def extended(due_at: datetime | None, days: int) -> datetime | None:
    """The due date moved by an extension of ``days`` (in UTC days: 23:59 stays 23:59 in the
    cohort's zone, except across a clock change, where it moves by the change)."""
    return None if due_at is None else due_at + timedelta(days=days)


@dataclass(frozen=True)
class Due:
    """A student's due date for one module's homework."""

    due_at: datetime  # UTC, extension included
    extension_days: int = 0

    def is_past(self, now: datetime) -> bool:
        return now > self.due_at


def due_for(enrolment: Enrolment, module: Module) -> Due | None:
    """When the student's homework for ``module`` is due, or None without a due date."""
    base = module_dates(enrolment.cohort, module).due_at
    if base is None:
        return None
    days = extension_days(extensions_of(enrolment.id), module.id)
    due_at = extended(base, days)
    assert due_at is not None
    return Due(due_at, days)
