"""Interface language: the user's setting, then the ``lang`` cookie, then Accept-Language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import dates as babel_dates
from flask import current_app, has_request_context, request
from flask.globals import _cv_app
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

LANG_COOKIE = "lang"
# Each language named in itself, for the switcher.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def supported() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def normalise(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().lower()[:2]
    return code if code in supported() else None


def select_locale() -> str:
    """Flask-Babel's locale selector. Outside a request (CLI commands) messages are English."""
    if not has_request_context():
        return "en"
    if current_user and current_user.is_authenticated:
        chosen = normalise(current_user.locale)
        if chosen:
            return chosen
    chosen = normalise(request.cookies.get(LANG_COOKIE))
    if chosen:
        return chosen
    best = request.accept_languages.best_match(supported())
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def install_template_gettext(app) -> None:
    """Templates' ``_()``/``gettext``/``ngettext`` look the catalogue up once per locale.

    Flask-Babel's own callables resolve the domain, the locale and its catalogue on every call
    (a page makes 20-80 of them); these keep each locale's catalogue in a dict and only ask
    which locale is current, so ``force_locale`` (emails, certificates) is still honoured.
    """

    catalogues: dict = {}

    def catalogue():
        # Flask-Babel keeps the request's (or ``force_locale``'s) locale on ``g._flask_babel``;
        # read it there directly, as ``get_locale`` would after its proxy and context checks,
        # and keep that locale's catalogue next to it: a page's 20-120 calls then cost an
        # identity check each (comparing ``Locale`` objects for the dict is slow Python).
        app_ctx = _cv_app.get(None)
        state = app_ctx.g.__dict__.get("_flask_babel") if app_ctx is not None else None
        locale = getattr(state, "babel_locale", None)
        kept = getattr(state, "tekser_catalogue", None)
        if kept is not None and locale is not None and kept[0] is locale:
            return kept[1]
        locale = locale or get_locale()
        found = catalogues.get(locale)
        if found is None:
            found = catalogues[locale] = get_translations()
        state = app_ctx.g.__dict__.get("_flask_babel") if app_ctx is not None else None
        if state is not None:
            state.tekser_catalogue = (locale, found)
        return found

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
    )

    @pass_eval_context
    def gettext(eval_ctx, string: str, **variables):
        """Jinja's new-style ``gettext`` (marked safe under autoescape, then formatted with
        ``variables``), without its detours: ``_`` is this function itself, not an alias that
        resolves ``gettext`` again, and a text with neither variables nor a ``%`` (most of
        them) is not formatted, which with ``Markup`` meant escaping an empty mapping."""
        text = catalogue().ugettext(string)
        if eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 (the catalogue is ours, as in Jinja's own)
        if variables or "%" in text:
            return text % variables
        return text

    app.jinja_env.globals.update(gettext=gettext, _=gettext)


def zone(name: str | None) -> ZoneInfo | None:
    """The IANA time zone called ``name``, or None for an unknown or empty name."""
    if not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_names() -> list[str]:
    """Every IANA zone name this machine knows (tzdata), sorted, for the forms' selects."""
    cache: list[str] = current_app.extensions.setdefault("tekser.zone_names", [])
    if not cache:
        cache.extend(sorted(n for n in available_timezones() if "/" in n or n == "UTC"))
    return cache


def local_datetime(at: datetime, tz: ZoneInfo, locale: str, *, year: bool = True) -> str:
    """``at`` on the wall clock of ``tz``, date and 24-hour time, as ``locale`` writes it:
    "September 11, 2026, 23:59", "11 сентября 2026 г., 23:59", "2026 ж. 11 қыркүйек, 23:59"."""
    day = babel_dates.format_skeleton("yMMMMd" if year else "MMMMd", at, tzinfo=tz, locale=locale)
    clock = babel_dates.format_skeleton("Hm", at, tzinfo=tz, locale=locale)
    pattern = str(babel_dates.get_datetime_format("medium", locale=locale))
    return pattern.replace("{1}", day).replace("{0}", clock)
