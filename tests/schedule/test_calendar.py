"""The private calendar feed: parsed by the icalendar library, events in UTC with stable UIDs,
links from BASE_URL, names in the student's language; made and revoked from the profile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from app.auth.models import User
from app.cohorts.models import Enrolment, Extension
from app.extensions import db
from tests.fixtures.app import post_form
from tests.schedule.helpers import set_due

DUE = datetime(2026, 9, 7, 18, 59, tzinfo=UTC)
FEED_RE = r"(http://[^\"<]+/calendar/[^\"<]+\.ics)"


def _new_link(client) -> str:
    import re

    response = post_form(client, "/account/calendar", {}, token_from="/account/calendar")
    assert response.status_code == 200
    return re.search(FEED_RE, response.get_data(as_text=True)).group(1)


def _events(client, url: str) -> dict[str, object]:
    response = client.get(url.replace("http://localhost", ""))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_parses_with_utc_times_stable_uids_and_base_url_links(
    app, client, login, student, course
):
    set_due(app, course[1], "m1", DUE)
    set_due(app, course[1], "m2", DUE + timedelta(days=7))
    with app.app_context():
        db.session.get(User, student.id).locale = "ru"
        db.session.commit()
    login(client, student)
    url = _new_link(client)
    assert url.startswith(app.config["BASE_URL"] + "/calendar/")
    first = _events(client, url)
    assert _events(client, url).keys() == first.keys()  # the same UIDs on every fetch
    due = [e for uid, e in first.items() if uid.startswith("due-")]
    opens = [e for uid, e in first.items() if uid.startswith("open-")]
    assert len(due) == 2 and len(opens) == 2
    times = sorted(e.decoded("DTSTART") for e in due)
    assert times[0] == DUE and times[0].tzinfo is not None and times[0].utcoffset() == timedelta(0)
    assert b"DTSTART:20260907T185900Z" in client.get(url.replace("http://localhost", "")).data
    summaries = {str(e["SUMMARY"]) for e in due}
    assert "Срок домашнего задания: Module 1 (ru)" in summaries
    assert all(str(e["URL"]).startswith(app.config["BASE_URL"] + "/") for e in first.values())


def test_an_extension_moves_the_feeds_due_date(app, client, login, student, course):
    set_due(app, course[1], "m1", DUE)
    with app.app_context():
        enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.user_id == student.id))
        db.session.add(Extension(enrolment_id=enrolment.id, module_id=None, days=2))
        db.session.commit()
    login(client, student)
    (event,) = [e for uid, e in _events(client, _new_link(client)).items() if uid.startswith("due")]
    assert event.decoded("DTSTART") == DUE + timedelta(days=2)


def test_a_new_link_kills_the_old_one_and_revoking_kills_both(app, client, login, student):
    login(client, student)
    old = _new_link(client)
    new = _new_link(client)
    assert client.get(old.replace("http://localhost", "")).status_code == 404
    assert client.get(new.replace("http://localhost", "")).status_code == 200
    page = client.get("/account/calendar").get_data(as_text=True)
    assert "Your calendar link is on" in page and ".ics" not in page  # shown once only
    response = post_form(client, "/account/calendar/revoke", {}, token_from="/account/calendar")
    assert response.status_code == 302
    assert client.get(new.replace("http://localhost", "")).status_code == 404
    with app.app_context():
        assert db.session.get(User, student.id).calendar_token_hash is None


def test_an_inactive_account_has_no_feed(app, client, login, student):
    login(client, student)
    url = _new_link(client)
    with app.app_context():
        db.session.get(User, student.id).active = False
        db.session.commit()
    assert app.test_client().get(url.replace("http://localhost", "")).status_code == 404
