"""Time zones: default dates from the course, the cohort's zone and a student's own, daylight
saving time, and the day boundary of "due today"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale

from app.cohorts import schedule
from app.cohorts.models import Cohort, Enrolment
from app.learning import dates
from app.learning.models import Course, Module

ALMATY = ZoneInfo("Asia/Almaty")
NEW_YORK = ZoneInfo("America/New_York")
DUE = datetime(2026, 9, 7, 18, 59, tzinfo=UTC)  # 23:59 in Almaty (UTC+5 since March 2024)


def _cohort(starts_on=date(2026, 9, 1), tz="Asia/Almaty", every=7, due=6) -> Cohort:
    course = Course(slug="c", title={}, module_every_days=every, homework_due_days=due)
    return Cohort(name="A", starts_on=starts_on, timezone=tz, course=course)


def _module(position: int) -> Module:
    return Module(id=position, slug=f"m{position}", position=position, title={})


def test_23_59_in_almaty_is_18_59_utc(app):
    with app.app_context():
        first = schedule.default_dates(_cohort(), _module(1))
        second = schedule.default_dates(_cohort(), _module(2))
    assert first.opens_at == datetime(2026, 8, 31, 19, 0, tzinfo=UTC)
    assert first.due_at == DUE
    assert second.opens_at == datetime(2026, 9, 7, 19, 0, tzinfo=UTC)
    assert second.due_at == DUE + timedelta(days=7)


def test_a_berlin_cohort_keeps_23_59_across_the_clock_change(app):
    """Summer time ends on 25 October 2026: a week's step is 169 hours there, and 23:59 on the
    wall clock moves from 21:59 to 22:59 UTC."""
    cohort = _cohort(starts_on=date(2026, 10, 19), tz="Europe/Berlin", due=6)
    with app.app_context():
        first = schedule.default_dates(cohort, _module(1))
        second = schedule.default_dates(cohort, _module(2))
    assert first.opens_at == datetime(2026, 10, 18, 22, 0, tzinfo=UTC)  # CEST, UTC+2
    assert first.due_at == datetime(2026, 10, 25, 22, 59, tzinfo=UTC)  # CET, UTC+1
    assert second.opens_at == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
    assert second.opens_at - first.opens_at == timedelta(hours=169)


def test_no_start_date_or_no_course_schedule_means_no_dates(app):
    with app.app_context():
        assert schedule.default_dates(_cohort(starts_on=None), _module(1)) == schedule.NO_DATES
        assert schedule.default_dates(_cohort(every=None), _module(1)) == schedule.NO_DATES
        opens_only = schedule.default_dates(_cohort(due=None), _module(1))
    assert opens_only.opens_at is not None and opens_only.due_at is None


def test_a_student_reads_dates_in_their_own_zone_else_the_cohorts(app):
    with app.app_context():
        cohort = _cohort()
        assert schedule.student_timezone(None, cohort) == ALMATY
        assert schedule.student_timezone("America/New_York", cohort) == NEW_YORK
        assert schedule.student_timezone("Mars/Olympus", cohort) == ALMATY


def test_an_extension_for_a_module_wins_over_the_whole_course(app):
    assert schedule.extension_days({None: 2, 5: 7}, 5) == 7
    assert schedule.extension_days({None: 2}, 5) == 2
    assert schedule.extension_days({}, 5) == 0


@pytest.mark.parametrize(
    ("now", "tz", "state", "text"),
    [
        # Almaty: 10:00 on the due day.
        (datetime(2026, 9, 7, 5, 0, tzinfo=UTC), ALMATY, "today", "Due today at 23:59."),
        # Almaty: 23:58, one minute left.
        (datetime(2026, 9, 7, 18, 58, tzinfo=UTC), ALMATY, "today", "Due today at 23:59."),
        # Almaty: 00:30 on the 7th; the day before, at 23:30, it was tomorrow.
        (datetime(2026, 9, 6, 18, 30, tzinfo=UTC), ALMATY, "tomorrow", "Due tomorrow at 23:59."),
        # New York, same instant as above (14:30 on the 6th): due 14:59 on the 7th, tomorrow.
        (datetime(2026, 9, 6, 18, 30, tzinfo=UTC), NEW_YORK, "tomorrow", "Due tomorrow at 14:59."),
        # New York at 01:00 on the 7th is still the 6th in UTC, and already "today" there.
        (datetime(2026, 9, 7, 5, 0, tzinfo=UTC), NEW_YORK, "today", "Due today at 14:59."),
        (datetime(2026, 9, 7, 19, 0, tzinfo=UTC), ALMATY, "overdue", "Overdue"),
        (
            datetime(2026, 9, 4, 5, 0, tzinfo=UTC),
            ALMATY,
            "later",
            "Due in 3 days: September 7, 2026, 23:59.",
        ),
    ],
)
def test_due_today_follows_the_students_calendar(app, now, tz, state, text):
    with app.test_request_context(), force_locale("en"):
        view = dates.describe_due(DUE, now, tz)
    assert view.state == state
    assert view.text.startswith(text)


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("ru", "7 сентября 2026\u202fг., 23:59"),
        ("kk", "2026\u202fж. 7 қыркүйек, 23:59"),
    ],
)
def test_dates_are_written_in_the_students_language(app, locale, text):
    now = datetime(2026, 9, 4, 5, 0, tzinfo=UTC)
    with app.test_request_context(), force_locale(locale):
        view = dates.describe_due(DUE, now, ALMATY)
        today = dates.describe_due(DUE, DUE - timedelta(hours=2), ALMATY)
    assert text in view.text
    assert "Due" not in view.text and "Due" not in today.text  # translated
    assert "23:59" in today.text


def test_due_for_adds_the_students_extension(app, course, student):
    from app.cohorts.models import CohortModuleDate, Extension
    from app.extensions import db

    with app.app_context():
        enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.user_id == student.id))
        module = db.session.scalar(db.select(Module).where(Module.slug == "m2"))
        db.session.add(
            CohortModuleDate(
                cohort_id=enrolment.cohort_id,
                module_id=module.id,
                opens_at=DUE - timedelta(days=7),
                due_at=DUE,
            )
        )
        db.session.add(Extension(enrolment_id=enrolment.id, module_id=None, days=2))
        db.session.commit()
        due = schedule.due_for(enrolment, module)
    assert due.due_at == DUE + timedelta(days=2) and due.extension_days == 2
