"""Reminders 48 hours before a due date: email and notice in the student's language, once per
student and due date (two runs, two workers at once), none for those who handed in or opted
out, and a flat number of statements for any number of students."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.cohorts.models import Cohort, Enrolment, Extension
from app.extensions import db
from app.homework import reminders
from app.homework.jobs import due_reminders
from app.homework.models import DueReminder, Notification, Status
from app.jobs import huey
from app.mail import Kind, optout
from app.mail.models import OutboxMessage
from tests.concurrency import at_once
from tests.fixtures.homework import make_submission
from tests.schedule.helpers import bulk_students, set_due

NOW = datetime(2026, 9, 10, 6, 0, tzinfo=UTC)
DUE = datetime(2026, 9, 11, 18, 59, tzinfo=UTC)  # 23:59 in Almaty, 36.98 hours later


def _run(app, now=NOW) -> int:
    with app.app_context():
        sent = reminders.send_due_reminders(now)
        db.session.commit()
        return sent


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


@pytest.fixture
def no_delivery(monkeypatch):
    """Outbox rows stay pending (no SMTP), so statements counted are the reminders' own."""
    monkeypatch.setattr("app.mail.deliver_mail", lambda *args: None)


def test_email_and_notice_in_the_students_language(app, course, make_user, enrol, mailbox):
    _course_id, cohort_id = course
    kk = make_user(locale="kk", email="kk@example.com", name="Әлия")
    ru = make_user(locale="ru", email="ru@example.com")
    for user in (kk, ru):
        enrol(user, cohort_id)
    module_id = set_due(app, cohort_id, "m1", DUE)
    assert _run(app) == 2
    message = mailbox.last_to("kk@example.com")
    text = mailbox.text(message)
    assert "Module 1 (kk)" in text and "23:59" in text and "Asia/Almaty" in text
    assert message["List-Unsubscribe"].startswith("<http://")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Module 1 (ru)" in mailbox.text(mailbox.last_to("ru@example.com"))
    with app.app_context():
        notice = db.session.scalar(db.select(Notification).where(Notification.user_id == kk.id))
        assert notice.kind == "homework_due" and notice.module_id == module_id


def test_notice_shows_on_the_notifications_page(app, client, login, student, course):
    set_due(app, course[1], "m1", DUE)
    _run(app)
    login(client, student)
    page = client.get("/notifications").get_data(as_text=True)
    assert "is due in less than two days" in page and "Module 1" in page


def test_twice_sends_once_and_a_new_due_date_again(app, course, student, mailbox):
    set_due(app, course[1], "m1", DUE)
    assert _run(app) == 1
    assert _run(app, NOW + timedelta(hours=1)) == 0
    assert len(mailbox.to(student.email)) == 1
    # The admin moves the due date: a new due date, a new reminder.
    set_due(app, course[1], "m1", DUE + timedelta(hours=5))
    assert _run(app, NOW + timedelta(hours=2)) == 1
    assert _count(app, DueReminder) == 2 and len(mailbox.to(student.email)) == 2


def test_the_job_runs_once_an_hour_and_sends_once(app, course, student, mailbox):
    set_due(app, course[1], "m1", DUE)
    with app.app_context():
        assert due_reminders.call_local(NOW) == 1
        assert due_reminders.call_local(NOW + timedelta(minutes=20)) is None  # the hour's key
        assert due_reminders.call_local(NOW + timedelta(hours=1)) == 0  # the unique rows
    assert len(mailbox.to(student.email)) == 1
    huey.storage.flush_all()


def test_outside_the_window_and_handed_in_get_nothing(app, course, make_user, enrol, mailbox):
    _course_id, cohort_id = course
    submitted, drafting = make_user(), make_user()
    for user in (submitted, drafting):
        enrol(user, cohort_id)
    module_id = set_due(app, cohort_id, "m1", DUE)
    make_submission(app, submitted, cohort_id, module_id=module_id, status=Status.SUBMITTED)
    make_submission(app, drafting, cohort_id, module_id=module_id, status=Status.DRAFT)
    assert _run(app, DUE - timedelta(hours=49)) == 0  # too early
    assert _run(app, DUE + timedelta(minutes=1)) == 0  # past: no "due soon" any more
    assert _run(app) == 1
    assert mailbox.to(drafting.email) and not mailbox.to(submitted.email)


def test_an_extension_moves_the_reminder(app, course, student, mailbox):
    _course_id, cohort_id = course
    module_id = set_due(app, cohort_id, "m1", DUE)
    with app.app_context():
        enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.user_id == student.id))
        db.session.add(Extension(enrolment_id=enrolment.id, module_id=module_id, days=3))
        db.session.commit()
    assert _run(app) == 0  # their due date is three days later
    assert _run(app, NOW + timedelta(days=3)) == 1
    with app.app_context():
        (row,) = db.session.scalars(db.select(DueReminder))
        assert row.due_at == DUE + timedelta(days=3)


def test_opted_out_students_get_the_notice_but_no_email(app, course, student, mailbox):
    with app.app_context():
        optout.opt_out(student.id, Kind.REMINDERS)
        db.session.commit()
    set_due(app, course[1], "m1", DUE)
    assert _run(app) == 1
    assert not mailbox.to(student.email)
    assert _count(app, Notification, Notification.user_id == student.id) == 1


def test_archived_cohorts_and_inactive_students_are_left_alone(app, course, make_user, enrol):
    _course_id, cohort_id = course
    enrol(make_user(active=False), cohort_id)
    set_due(app, cohort_id, "m1", DUE)
    assert _run(app) == 0
    enrol(make_user(), cohort_id)
    with app.app_context():
        db.session.get(Cohort, cohort_id).archived_at = NOW
        db.session.commit()
    assert _run(app) == 0


def test_statements_do_not_grow_with_students(app, course, count_queries, no_delivery):
    """A page of students costs the same statements whatever its size: 3 students and 60
    cost the same; pages of 25 make 60 students cost three pages."""
    _course_id, cohort_id = course
    set_due(app, cohort_id, "m1", DUE)
    bulk_students(app, cohort_id, 3)
    with count_queries() as small:
        assert _run(app) == 3
    bulk_students(app, cohort_id, 57, start=3)
    set_due(app, cohort_id, "m1", DUE + timedelta(minutes=1))  # a new due date for everyone
    with count_queries() as large:
        assert _run(app) == 60
    assert large.count == small.count
    assert _count(app, OutboxMessage) == 63
    app.config["REMINDER_BATCH"] = 25
    set_due(app, cohort_id, "m1", DUE + timedelta(minutes=2))
    with count_queries() as paged:
        assert _run(app) == 60
    per_page = small.count - 3  # the cohorts, their dates, the empty page's read
    assert paged.count <= 3 + 3 * per_page + 1


@pytest.mark.postgres_only
def test_two_workers_at_once_remind_each_student_once(app, course, no_delivery):
    _course_id, cohort_id = course
    bulk_students(app, cohort_id, 40)
    app.config["REMINDER_BATCH"] = 10
    set_due(app, cohort_id, "m1", DUE)
    results = at_once([lambda: _run(app), lambda: _run(app), lambda: _run(app)])
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 40
    assert _count(app, DueReminder) == 40
    assert _count(app, OutboxMessage) == 40
    assert _count(app, Notification, Notification.kind == "homework_due") == 40


def test_flask_homework_remind_sends_them_now(app, course, student, mailbox):
    set_due(app, course[1], "m1", datetime.now(UTC) + timedelta(hours=20))
    result = app.test_cli_runner().invoke(args=["homework", "remind"])
    assert result.exit_code == 0 and "reminded 1 student(s)" in result.output
    result = app.test_cli_runner().invoke(args=["homework", "remind"])
    assert "reminded 0 student(s)" in result.output
    assert len(mailbox.to(student.email)) == 1
