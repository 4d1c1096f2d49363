"""When a module opens for a student: the calendar rules of a cohort's schedule, in one place.

A cohort starts at midnight of its start date in its time zone, and each module opens on its
own open date (``app.cohorts.schedule``: the course's defaults or the cohort's own dates).
Before that, pages say when, and every write is refused.

The unlock-in-order rule is not here: it depends on what the student has completed, so it
lives with the other progress rules in ``app.learning.progress``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.cohorts import services as cohorts

if TYPE_CHECKING:
    from app.cohorts.models import Cohort, Enrolment
    from app.learning.models import Module


class Opening(enum.StrEnum):
    OPEN = "open"
    NOT_STARTED = "not_started"  # the cohort's start date has not come yet
    NOT_YET = "not_yet"  # the cohort has started, this module opens later


@dataclass(frozen=True)
class OpenState:
    opening: Opening
    opens_on: date | None = None  # the day it opens, in the cohort's time zone (for people)
    opens_at: datetime | None = None  # the same moment in UTC (for comparisons)

    @property
    def is_open(self) -> bool:
        return self.opening == Opening.OPEN


OPEN = OpenState(Opening.OPEN)


def course_open_state(cohort: Cohort, now: datetime) -> OpenState:
    """Whether the cohort has started at ``now`` (a timezone-aware moment)."""
    return start_state_at(cohort.starts_on, cohorts.cohort_starts_at(cohort), now)


def module_open_state(enrolment: Enrolment, module: Module, now: datetime) -> OpenState:
    """Whether ``module`` is open, by the calendar, to the student of ``enrolment`` at ``now``:
    the cohort has started and the module's open date has come.

    Pages show the module's content, and quiz, homework and reading are accepted, only when
    this says open; staff may preview (the caller decides, see ``policy.can_preview``).
    """
    cohort = enrolment.cohort
    started = course_open_state(cohort, now)
    if not started.is_open:
        return started
    opens_at = cohorts.module_dates(cohort, module).opens_at
    return module_state_at(started, opens_at, cohorts.cohort_timezone(cohort), now)


def module_state_at(
    started: OpenState, opens_at: datetime | None, tz: ZoneInfo, now: datetime
) -> OpenState:
    """The module's calendar state from the cohort's (``started``) and the module's own open
    moment (None: no date), ``tz`` being the cohort's zone."""
    if not started.is_open:
        return started
    if opens_at is not None and now < opens_at:
        return OpenState(Opening.NOT_YET, opens_at.astimezone(tz).date(), opens_at)
    return OPEN


def start_state_at(starts_on: date | None, starts_at: datetime | None, now: datetime) -> OpenState:
    """Whether the cohort starting at ``starts_at`` (local day ``starts_on``) has started."""
    if starts_at is not None and now < starts_at:
        return OpenState(Opening.NOT_STARTED, starts_on, starts_at)
    return OPEN
