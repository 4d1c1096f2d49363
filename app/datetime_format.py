"""The templates' ``datetimeformat`` filter, with each locale's named patterns parsed once
(issue 19).

Flask-Babel's filter looks the locale's patterns up and parses them again for every value
(Babel's ``format_datetime`` formats the date and the time apart, then joins them): about 180
function calls a date, so a list of fifty dates cost more than the rest of its page. This one
keeps, per locale and named format, the two parsed patterns and the pattern that joins them,
and applies them exactly as ``babel.dates.format_datetime`` does. Anything else (a pattern of
its own, a format the app configured) goes to Flask-Babel's filter unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from babel import Locale
from babel.dates import (
    DateTimePattern,
    get_date_format,
    get_datetime_format,
    get_time_format,
    parse_pattern,
)
from flask.globals import _cv_app
from flask_babel import format_datetime, get_locale, get_timezone

NAMED = ("short", "medium", "long", "full")

Patterns = tuple[str, DateTimePattern, DateTimePattern, Locale]
_patterns: dict[tuple[str, ...], Patterns] = {}


def _named(locale: Locale, format: Any) -> Patterns:
    key = (locale.language, locale.territory or "", locale.script or "", format)
    found = _patterns.get(key)
    if found is None:
        found = _patterns[key] = (
            str(get_datetime_format(format, locale=locale)).replace("'", ""),
            parse_pattern(get_date_format(format, locale=locale)),
            parse_pattern(get_time_format(format, locale=locale)),
            locale,
        )
    return found


def datetimeformat(value: datetime | None = None, format: str | None = None) -> str:
    """``value`` in the user's time zone and language, as Flask-Babel's filter writes it."""
    return formatter(format)(value)


def formatter(format: str | None = "short") -> Callable[[datetime | None], str]:
    """``datetimeformat`` with ``format`` for one request: the locale, the zone and the patterns
    looked up once, for a list that formats dozens of dates."""
    app_ctx = _cv_app.get(None)
    if format not in NAMED or app_ctx is None or _configured(app_ctx, format):
        return partial(_flask_babel, format=format)
    # The request's locale and zone where Flask-Babel keeps them (as ``app.i18n`` reads them),
    # without its context proxies.
    state = app_ctx.g.__dict__.get("_flask_babel")
    locale = getattr(state, "babel_locale", None) or get_locale()
    zone: Any = getattr(state, "babel_tzinfo", None) or get_timezone()
    joined, date_pattern, time_pattern, locale = _named(locale, format)
    normalize = getattr(zone, "normalize", None)  # pytz

    def write(value: datetime | None) -> str:
        if value is None:  # now, as Flask-Babel's filter takes it
            return format_datetime(value, format)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(zone)
        if normalize is not None:
            value = normalize(value)
        day = value.date()
        time = time_pattern.apply(value.timetz(), locale, reference_date=day)
        return joined.replace("{0}", time).replace("{1}", date_pattern.apply(day, locale))

    return write


def _flask_babel(value: datetime | None, format: str | None) -> str:
    return format_datetime(value, format)


def _configured(app_ctx: Any, format: str) -> bool:
    """Whether the app set a pattern of its own for this named format (Flask-Babel's
    ``date_formats``), which Flask-Babel's own filter applies."""
    formats = app_ctx.app.extensions["babel"].instance.date_formats
    return formats.get(f"datetime.{format}") is not None
