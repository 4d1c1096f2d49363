"""The cohort's start date: joining early is fine, modules open at midnight of the start date in
the cohort's time zone; before that the pages say when, and every write is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.cohorts import services as cohorts
from app.cohorts.models import Cohort, Enrolment
from app.extensions import db
from app.homework.models import Submission
from app.learning import schedule
from app.learning.models import Module, ModuleProgress, QuizAttempt
from app.policy import Role
from tests.fixtures.app import post_form
from tests.fixtures.homework import fact_check

M1 = "/courses/demo/modules/m1"
START = date(2026, 9, 1)
# Kazakhstan has been on one zone, UTC+5, since 1 March 2024: midnight of 1 September 2026 in
# Almaty is 19:00 UTC the day before (not 18:00, as the old UTC+6 would have it).
OPENS_AT = datetime(2026, 8, 31, 19, 0, tzinfo=UTC)
BEFORE = OPENS_AT - timedelta(seconds=1)

# Babel keeps the year and its abbreviation together with a narrow no-break space.
STARTS_ON = {
    "kk": "Курс 2026\u202fж. 1 қыркүйек басталады.",
    "ru": "Курс начинается 1 сентября 2026\u202fг.",
    "en": "The course starts on September 1, 2026.",
}
REFUSED = {
    "kk": "Бұл модуль әлі ашылған жоқ, сондықтан ештеңе сақталмады.",
    "ru": "Этот модуль ещё не открыт, поэтому ничего не сохранено.",
    "en": "This module is not open yet, so nothing was saved.",
}


def _state(now: datetime, starts_on: date | None = START) -> schedule.OpenState:
    enrolment = Enrolment(cohort=Cohort(name="A", starts_on=starts_on))
    return schedule.module_open_state(enrolment, Module(slug="m1"), now)


@pytest.mark.parametrize(
    ("now", "is_open"),
    [
        (datetime(2026, 8, 1, tzinfo=UTC), False),
        (datetime(2026, 8, 31, 18, 0, tzinfo=UTC), False),  # the UTC+6 trap
        (BEFORE, False),
        (OPENS_AT, True),
        (datetime(2026, 9, 1, 0, 0, tzinfo=UTC), True),
        (datetime(2027, 1, 1, tzinfo=UTC), True),
    ],
)
def test_modules_open_at_midnight_in_almaty(app, now, is_open):
    with app.app_context():
        state = _state(now)
    assert state.is_open is is_open
    if not is_open:
        assert state.opening == schedule.Opening.NOT_STARTED
        assert state.opens_on == START
        assert state.opens_at == OPENS_AT


def test_a_cohort_without_a_start_date_is_open(app):
    with app.app_context():
        assert _state(datetime(2000, 1, 1, tzinfo=UTC), starts_on=None).is_open


def test_the_site_time_zone_is_configurable(app_factory):
    app = app_factory(BABEL_DEFAULT_TIMEZONE="UTC")
    with app.app_context():
        assert not _state(datetime(2026, 8, 31, 23, 59, tzinfo=UTC)).is_open
        state = _state(datetime(2026, 9, 1, tzinfo=UTC))
    assert state.is_open


@pytest.fixture
def clock(monkeypatch):
    """Set the time the pages see."""

    def set_now(moment: datetime) -> None:
        monkeypatch.setattr("app.learning.services.utcnow", lambda: moment)
        monkeypatch.setattr("app.cohorts.routes.utcnow", lambda: moment)

    set_now(BEFORE)
    return set_now


@pytest.fixture
def starts(app, course):
    with app.app_context():
        db.session.get(Cohort, course[1]).starts_on = START
        db.session.commit()
    return course


@pytest.fixture
def early(make_user, enrol, starts, clock):
    """Make a student of the cohort starting on START, the second before it starts."""

    def make(locale: str = "en", role: Role | tuple = Role.STUDENT):
        user = make_user(role, locale=locale)
        enrol(user, starts[1])
        return user

    return make


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_joining_before_the_start_is_allowed(app, client, make_user, login, starts, clock, lang):
    with app.app_context():
        code = db.session.get(Cohort, starts[1]).invite_code
    login(client, make_user(locale=lang))

    page = client.get(f"/join/{code}").get_data(as_text=True)
    response = post_form(client, f"/join/{code}", token_from=f"/join/{code}")

    assert STARTS_ON[lang] in page
    assert response.status_code == 302
    assert _count(app, Enrolment) == 1


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_dashboard_says_when_the_course_starts(client, login, early, lang):
    login(client, early(lang))

    html = client.get("/dashboard").get_data(as_text=True)

    assert STARTS_ON[lang] in html
    assert f'href="{M1}"' not in html  # no way into a module, and no "next step" button
    assert f'href="{M1}/quiz"' not in html


def test_the_dashboard_opens_the_course_on_the_start_date(client, login, early, clock):
    login(client, early())
    clock(OPENS_AT)

    html = client.get("/dashboard").get_data(as_text=True)

    assert STARTS_ON["en"] not in html
    assert f'href="{M1}"' in html


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("page", ["", "/quiz", "/homework"])
def test_module_pages_show_the_start_instead_of_the_content(client, login, early, lang, page):
    login(client, early(lang))

    response = client.get(M1 + page)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert STARTS_ON[lang] in html
    assert "Lesson 1" not in html and "Урок 1" not in html
    assert "Question 1" not in html and 'name="claim"' not in html
    assert "<form" not in html.split("</header>", 1)[-1].split("<footer", 1)[0]


WRITES = {
    "read": (M1 + "/read", {}),
    "video": (M1 + "/video-progress", {"ranges": "[[0, 95]]", "position": "95"}),
    "quiz": (M1 + "/quiz", {"token": "t" * 30, "q-q1": "a", "q-q2": ["b", "c"]}),
    "draft": (M1 + "/homework", {**fact_check(), "save": "x", "version": ""}),
    "submit": (M1 + "/homework", {**fact_check(), "submit": "x", "version": ""}),
    "revise": (M1 + "/homework/revise", {}),
}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("write", WRITES)
def test_writes_before_the_start_are_refused(app, client, login, early, lang, write):
    login(client, early(lang))
    url, data = WRITES[write]

    response = post_form(client, url, data)

    assert response.status_code == 403
    assert REFUSED[lang] in response.get_data(as_text=True)
    for model in (ModuleProgress, QuizAttempt, Submission):
        assert _count(app, model) == 0
    with app.app_context():  # joining counts as activity; nothing after it does
        enrolment = db.session.scalar(db.select(Enrolment))
        assert enrolment.last_activity_at == enrolment.enrolled_at


@pytest.mark.parametrize("media", ["/captions/en.vtt", "/video"])
def test_module_media_is_refused_before_the_start(client, login, early, media):
    login(client, early())
    assert client.get(M1 + media).status_code == 403


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_at_the_start_the_module_opens(app, client, login, early, clock, lang):
    login(client, early(lang))
    clock(OPENS_AT)

    html = client.get(M1 + "?lang=en").get_data(as_text=True)
    response = post_form(client, M1 + "/read", token_from=M1)

    assert "Lesson 1" in html and STARTS_ON[lang] not in html
    assert response.status_code == 302
    assert _count(app, ModuleProgress) == 1


def test_staff_who_are_not_enrolled_still_preview(client, make_user, login, starts, clock):
    login(client, make_user(Role.ADMIN))

    html = client.get(M1 + "?lang=en").get_data(as_text=True)

    assert "Lesson 1" in html


@pytest.fixture
def reviewer_of(app):
    def assign(user, cohort_id):
        with app.app_context():
            cohorts.assign_reviewer(db.session.get(Cohort, cohort_id), user)
            db.session.commit()

    return assign


@pytest.mark.parametrize("role", [Role.ADMIN, Role.REVIEWER])
def test_enrolled_staff_preview_but_cannot_write(
    app, client, login, early, starts, reviewer_of, role
):
    user = early("en", (Role.STUDENT, role))
    if role == Role.REVIEWER:
        reviewer_of(user, starts[1])
    login(client, user)

    html = client.get(M1 + "?lang=en").get_data(as_text=True)
    refused = post_form(client, M1 + "/read")

    assert "Lesson 1" in html
    assert "Preview: students see this module from September 1, 2026" in html
    assert f'action="{M1}/read' not in html  # no button that could only be refused
    assert refused.status_code == 403
    assert _count(app, ModuleProgress) == 0


def test_a_reviewer_of_another_course_gets_no_preview(app, client, login, early, make_course):
    other = make_course(slug="other")
    user = early("en", (Role.STUDENT, Role.REVIEWER))
    with app.app_context():
        cohorts.assign_reviewer(db.session.get(Cohort, other[1]), user)
        db.session.commit()
    login(client, user)

    html = client.get(M1 + "?lang=en").get_data(as_text=True)

    assert "Lesson 1" not in html and STARTS_ON["en"] in html
