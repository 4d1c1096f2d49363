"""A student's private calendar feed (RFC 5545): each module's open date and homework due date,
at a secret URL (``auth.feeds`` keeps its hash). Names are in the student's language, links
come from ``BASE_URL``, every time is UTC, and each event's UID stays the same from one fetch
to the next, so calendar apps update events instead of adding copies. Reading it writes
nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Response, abort, current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.auth import services as accounts
from app.auth.models import User
from app.cohorts import services as cohorts
from app.db import utcnow
from app.learning import bp, services
from app.learning.content import pick
from app.links import external_url
from app.policy import public

if TYPE_CHECKING:
    # Imported where a feed is built: only this route needs it (issue 19, a worker's memory).
    from icalendar import Calendar, Event


def build_calendar(user: User) -> Calendar:
    """The user's dates in every course they take."""
    from icalendar import Calendar

    enrolments = services.enrolments_with_courses(user.id)
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "tekser.local"
    now = utcnow()
    locale: str = (
        user.locale
        or (enrolments[0].cohort.default_locale if enrolments else None)
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )
    cal = Calendar()
    cal.add("prodid", "-//Tekser//Course calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    with force_locale(locale):
        cal.add("x-wr-calname", _("Tekser: my course dates"))
        for enrolment in enrolments:
            course = enrolment.cohort.course
            for module in course.modules:
                title = str(pick(module.title, locale))
                url = external_url(
                    "learning.module", course_slug=course.slug, module_slug=module.slug
                )
                dates = cohorts.module_dates(enrolment.cohort, module)
                if dates.opens_at is not None:
                    cal.add_component(
                        _event(
                            f"open-{enrolment.id}-{module.id}@{host}",
                            _("Module opens: %(module)s", module=title),
                            dates.opens_at,
                            url,
                            now,
                        )
                    )
                due = cohorts.due_for(enrolment, module)
                if due is not None:
                    cal.add_component(
                        _event(
                            f"due-{enrolment.id}-{module.id}@{host}",
                            _("Homework due: %(module)s", module=title),
                            due.due_at,
                            external_url(
                                "homework.homework",
                                course_slug=course.slug,
                                module_slug=module.slug,
                            ),
                            now,
                        )
                    )
    return cal


def _event(uid: str, summary: str, at, url: str, now) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("dtstart", at)  # an aware UTC datetime: written as ...Z
    event.add("dtend", at)
    event.add("summary", summary)
    event.add("url", url)
    event.add("description", url)
    return event


@bp.route("/calendar/<token>.ics")
@public
def calendar_feed(token: str):
    """The feed at its secret URL; 404 for a wrong, old or revoked secret."""
    user = accounts.user_for_calendar_token(token)
    if user is None:
        abort(404)
    body = build_calendar(user).to_ical()
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": 'inline; filename="tekser.ics"',
            "Cache-Control": "private, no-store",
            "X-Robots-Tag": "noindex",
        },
    )
