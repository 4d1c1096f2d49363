"""Dates as a student reads them: "opens on …", "due in 3 days", "due today at 23:59",
"overdue", in the page's language (Babel) and the student's time zone."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from app import i18n


class DueState(enum.StrEnum):
    LATER = "later"  # more than a day ahead
    TOMORROW = "tomorrow"
    TODAY = "today"
    OVERDUE = "overdue"
    DONE = "done"  # handed in


@dataclass(frozen=True)
class DueView:
    state: DueState
    text: str
    at: datetime  # UTC
    iso_local: str  # for <time datetime="...">


def _locale() -> str:
    return str(get_locale() or "en")


def local_datetime(at: datetime, tz: ZoneInfo) -> str:
    """A date with its time, e.g. "12 September 2026, 23:59" in the page's language."""
    return i18n.local_datetime(at, tz, _locale())


def local_date(at: datetime, tz: ZoneInfo) -> str:
    return babel_dates.format_date(at.astimezone(tz).date(), "long", locale=_locale())


def local_time(at: datetime, tz: ZoneInfo) -> str:
    return babel_dates.format_skeleton("Hm", at, tzinfo=tz, locale=_locale())


@lru_cache(maxsize=4096)
def _written(at: datetime, tz: ZoneInfo, locale: str) -> tuple[str, str]:
    """``at`` in ``tz`` as ``locale`` writes its date and time, and its time alone. Babel's
    formatting is most of a due line's cost and depends on nothing else, so each worker keeps
    it (a cohort's students share their due dates; issue 19)."""
    return i18n.local_datetime(at, tz, locale), babel_dates.format_skeleton(
        "Hm", at, tzinfo=tz, locale=locale
    )


def describe_due(due_at: datetime, now: datetime, tz: ZoneInfo, done: bool = False) -> DueView:
    """How a due date reads at ``now`` for a student in ``tz``: today and tomorrow are days on
    the student's own calendar, not 24-hour spans."""
    iso = due_at.astimezone(tz).isoformat()
    when, at = _written(due_at, tz, _locale())
    if done:
        return DueView(DueState.DONE, _("Handed in; it was due %(when)s.", when=when), due_at, iso)
    if now > due_at:
        return DueView(DueState.OVERDUE, _("Overdue: it was due %(when)s.", when=when), due_at, iso)
    days = (due_at.astimezone(tz).date() - now.astimezone(tz).date()).days
    if days <= 0:
        return DueView(DueState.TODAY, _("Due today at %(time)s.", time=at), due_at, iso)
    if days == 1:
        return DueView(DueState.TOMORROW, _("Due tomorrow at %(time)s.", time=at), due_at, iso)
    text = ngettext(
        "Due in %(num)d day: %(when)s.", "Due in %(num)d days: %(when)s.", days, when=when
    )
    return DueView(DueState.LATER, text, due_at, iso)


def describe_opening(opens_at: datetime, tz: ZoneInfo) -> str:
    return _("Opens on %(date)s.", date=local_date(opens_at, tz))
