"""When a module opens for a student: the date rules of a cohort's schedule, in one place.

Today there is one rule: a student may join a cohort early, but its modules open at the start
of the cohort's start date, midnight in the cohort's time zone. Per-module open dates will be
checked here too (``module_open_state`` already takes the module), so every page and every
write keeps asking this one function.

The unlock-in-order rule is not here: it depends on what the student has completed, so it
lives with the other progress rules in ``app.learning.progress``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

if TYPE_CHECKING:
    from app.cohorts.models import Cohort, Enrolment
    from app.learning.models import Module


class Opening(enum.StrEnum):
    OPEN = "open"
    NOT_STARTED = "not_started"  # the cohort's start date has not come yet


@dataclass(frozen=True)
class OpenState:
    opening: Opening
    opens_on: date | None = None  # the day it opens, in the cohort's time zone (for people)
    opens_at: datetime | None = None  # the same moment in UTC (for comparisons)

    @property
    def is_open(self) -> bool:
        return self.opening == Opening.OPEN


OPEN = OpenState(Opening.OPEN)


def cohort_timezone(cohort: Cohort) -> ZoneInfo:
    """The time zone a cohort's dates are meant in: the site's (``TIMEZONE``, Asia/Almaty by
    default) until cohorts get a zone of their own."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        current_app.logger.error("unknown time zone %r; cohort dates are read in UTC", name)
        return ZoneInfo("UTC")


def cohort_starts_at(cohort: Cohort) -> datetime | None:
    """The UTC moment the cohort starts: midnight at the start of ``starts_on``, local time."""
    if cohort.starts_on is None:
        return None
    local = datetime.combine(cohort.starts_on, time.min, tzinfo=cohort_timezone(cohort))
    return local.astimezone(UTC)


def course_open_state(cohort: Cohort, now: datetime) -> OpenState:
    """Whether the cohort has started at ``now`` (a timezone-aware moment)."""
    starts_at = cohort_starts_at(cohort)
    if starts_at is not None and now < starts_at:
        return OpenState(Opening.NOT_STARTED, cohort.starts_on, starts_at)
    return OPEN


def module_open_state(enrolment: Enrolment, module: Module, now: datetime) -> OpenState:
    """Whether ``module`` is open, by the calendar, to the student of ``enrolment`` at ``now``.

    Pages show the module's content, and quiz, homework and reading are accepted, only when
    this says open; staff may preview (the caller decides, see ``policy.can_preview``).
    """
    return course_open_state(enrolment.cohort, now)
