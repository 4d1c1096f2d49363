"""What students see (due lines on the dashboard, module and homework pages), late work marked
or refused, and the admin's schedule and extension screens."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.audit.models import AuditEvent
from app.cohorts.models import Cohort, CohortModuleDate, Enrolment, Extension
from app.extensions import db
from app.homework.models import Submission
from tests.fixtures.app import post_form
from tests.fixtures.homework import fact_check, post_homework
from tests.schedule.helpers import set_due

NOW = datetime(2026, 9, 7, 5, 0, tzinfo=UTC)  # 10:00 in Almaty
DUE = datetime(2026, 9, 7, 18, 59, tzinfo=UTC)  # 23:59 in Almaty
HW = "/courses/demo/modules/m1/homework"


@pytest.fixture
def clock(monkeypatch):
    def set_now(moment: datetime) -> None:
        for where in ("app.learning.services", "app.homework.services"):
            monkeypatch.setattr(f"{where}.utcnow", lambda: moment)

    set_now(NOW)
    return set_now


@pytest.fixture
def as_student(app, client, login, student, course, clock):
    set_due(app, course[1], "m1", DUE)
    login(client, student)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_dashboard_module_and_homework_pages_say_when_it_is_due(as_student):
    for url in ("/dashboard", "/courses/demo/modules/m1", HW):
        page = _text(as_student.get(url))
        assert "Due today at 23:59." in page, url
        assert 'datetime="2026-09-07T23:59:00+05:00"' in page


def test_a_student_in_another_zone_reads_their_own_clock(app, as_student, student, clock):
    from app.auth.models import User

    with app.app_context():
        db.session.get(User, student.id).timezone = "America/New_York"
        db.session.commit()
    clock(datetime(2026, 9, 6, 18, 30, tzinfo=UTC))  # 14:30 on the 6th in New York
    assert "Due tomorrow at 14:59." in _text(as_student.get("/dashboard"))


def test_russian_and_overdue(as_student, clock):
    clock(DUE + timedelta(minutes=1))
    as_student.set_cookie("lang", "ru", domain="localhost")
    page = _text(as_student.get("/dashboard"))
    assert "Просрочено: срок был 7 сентября 2026\u202fг., 23:59." in page


def test_a_later_module_says_when_it_opens(app, as_student, course):
    from app.learning.models import Module

    set_due(app, course[1], "m2", DUE + timedelta(days=7), opens_at=DUE + timedelta(hours=5))
    with app.app_context():
        db.session.get(Cohort, course[1]).sequential = False
        db.session.commit()
        assert db.session.scalar(db.select(Module.id).where(Module.slug == "m2"))
    page = _text(as_student.get("/courses/demo/modules/m2"))
    assert "This module opens on September 8, 2026." in page


def test_late_work_is_accepted_and_marked(app, as_student, student, clock):
    clock(DUE + timedelta(hours=1))
    assert post_homework(as_student, fact_check(), submit=True).status_code == 302
    with app.app_context():
        (sub,) = db.session.scalars(db.select(Submission).where(Submission.user_id == student.id))
        assert sub.late and sub.status == "submitted"
    assert "Late" in _text(as_student.get(HW))


def test_on_time_work_is_not_late(app, as_student, student):
    assert post_homework(as_student, fact_check(), submit=True).status_code == 302
    with app.app_context():
        assert not db.session.scalar(db.select(Submission.late))


def test_a_hard_deadline_refuses_and_writes_nothing(app, as_student, course, clock):
    with app.app_context():
        db.session.get(Cohort, course[1]).late_policy = "refuse"
        db.session.commit()
    clock(DUE + timedelta(seconds=1))
    response = post_homework(as_student, fact_check(), submit=True)
    assert response.status_code == 422
    assert "The deadline for this homework has passed" in _text(response)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 0
    as_student.set_cookie("lang", "kk", domain="localhost")
    response = post_homework(as_student, fact_check(), submit=True)
    assert "мерзімі өтіп кетті" in _text(response)


def test_an_extension_lets_the_student_hand_in(app, as_student, student, course, clock):
    with app.app_context():
        db.session.get(Cohort, course[1]).late_policy = "refuse"
        enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.user_id == student.id))
        db.session.add(Extension(enrolment_id=enrolment.id, module_id=None, days=2))
        db.session.commit()
    clock(DUE + timedelta(days=1))
    assert "Due tomorrow at 23:59." in _text(as_student.get("/dashboard"))
    assert post_homework(as_student, fact_check(), submit=True).status_code == 302


def test_reviewers_see_late_in_the_queue_and_on_the_page(app, login, make_user, course, student):
    from app.policy import Role
    from tests.fixtures.homework import assign, make_submission

    reviewer = make_user(Role.REVIEWER)
    assign(app, reviewer, course[1])
    with app.app_context():
        from app.learning.models import Module

        module_id = db.session.scalar(db.select(Module.id).where(Module.slug == "m1"))
    sub = make_submission(app, student, course[1], module_id=module_id, late=True)
    client = login(app.test_client(), reviewer)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert "Late" in _text(client.get("/review/"))
    assert "Late" in _text(client.get(f"/review/submissions/{sub}"))


# --- the admin's screens ----------------------------------------------------------------------


@pytest.fixture
def admin(app, login, make_user):
    from app.policy import Role

    client = login(app.test_client(), make_user(Role.ADMIN))
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _schedule_form(cohort_id: int, **changes) -> dict:
    data = {"timezone": "Asia/Almaty", "late_policy": "accept"}
    with_ids = []
    for n in range(3):
        with_ids.append((n, n + 1))
    for n, _position in with_ids:
        data[f"modules-{n}-opens_on"] = f"2026-09-{1 + 7 * n:02d}"
        data[f"modules-{n}-due_on"] = f"2026-09-{7 + 7 * n:02d}"
        data[f"modules-{n}-due_time"] = "23:59"
    data.update(changes)
    return data


def _module_ids(app, course_id: int) -> list[int]:
    from app.learning.models import Module

    with app.app_context():
        return list(
            db.session.scalars(
                db.select(Module.id).where(Module.course_id == course_id).order_by(Module.position)
            )
        )


def test_the_admin_sets_dates_in_the_cohorts_zone(app, admin, course):
    course_id, cohort_id = course
    url = f"/admin/cohorts/{cohort_id}/schedule"
    page = _text(admin.get(url))
    assert 'for="modules-0-opens_on"' in page and "Asia/Almaty" in page
    ids = _module_ids(app, course_id)
    data = _schedule_form(
        cohort_id, **{f"modules-{n}-module_id": str(i) for n, i in enumerate(ids)}
    )
    data["timezone"] = "Europe/Berlin"
    data["late_policy"] = "refuse"
    response = post_form(admin, url, data, token_from=url)
    assert response.status_code == 302, _text(response)
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert (cohort.timezone, cohort.late_policy) == ("Europe/Berlin", "refuse")
        rows = {
            r.module_id: r
            for r in db.session.scalars(
                db.select(CohortModuleDate).where(CohortModuleDate.cohort_id == cohort_id)
            )
        }
        assert rows[ids[0]].due_at == datetime(2026, 9, 7, 21, 59, tzinfo=UTC)  # CEST
        assert rows[ids[0]].opens_at == datetime(2026, 8, 31, 22, 0, tzinfo=UTC)
        event = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "cohort.schedule_changed")
        )
        assert event.details["timezone"] == "Europe/Berlin"
    # Shown again on the wall clock of the cohort's zone.
    assert 'value="2026-09-07"' in _text(admin.get(url))


def test_a_due_date_before_the_open_date_is_refused(app, admin, course):
    course_id, cohort_id = course
    url = f"/admin/cohorts/{cohort_id}/schedule"
    ids = _module_ids(app, course_id)
    data = _schedule_form(
        cohort_id, **{f"modules-{n}-module_id": str(i) for n, i in enumerate(ids)}
    )
    data["modules-1-due_on"] = "2026-09-01"
    admin.set_cookie("lang", "ru", domain="localhost")
    response = post_form(admin, url, data, token_from=url)
    assert response.status_code == 422
    assert "Срок сдачи должен быть позже даты открытия." in _text(response)
    data = _schedule_form(
        cohort_id, **{f"modules-{n}-module_id": str(i) for n, i in enumerate(ids)}
    )
    data["timezone"] = "Mars/Olympus"
    assert post_form(admin, url, data, token_from=url).status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CohortModuleDate)) == 0


def test_course_defaults_and_reset(app, admin, course):
    from app.learning.models import Course

    course_id, cohort_id = course
    with app.app_context():
        db.session.get(Course, course_id).module_every_days = 7
        db.session.get(Course, course_id).homework_due_days = 6
        db.session.get(Cohort, cohort_id).starts_on = date(2026, 9, 1)
        db.session.commit()
    url = f"/admin/cohorts/{cohort_id}/schedule"
    page = _text(admin.get(url))
    assert 'value="2026-09-15"' in page  # module 3 opens two weeks after the start
    set_due(app, cohort_id, "m1", DUE + timedelta(days=3))
    response = post_form(admin, url + "/reset", {}, token_from=url)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CohortModuleDate)) == 0


def test_the_admin_grants_an_extension_and_the_audit_log_records_it(app, admin, course, student):
    course_id, cohort_id = course
    url = f"/admin/cohorts/{cohort_id}/extensions"
    module_id = _module_ids(app, course_id)[0]
    response = post_form(
        admin, url, {"email": student.email, "module": str(module_id), "days": "3"}, token_from=url
    )
    assert response.status_code == 302
    response = post_form(
        admin, url, {"email": student.email, "module": "0", "days": "1"}, token_from=url
    )
    assert response.status_code == 302
    page = _text(admin.get(url))
    assert student.name in page and "3 extra days" in page and "Every module" in page
    with app.app_context():
        rows = {e.module_id: e.days for e in db.session.scalars(db.select(Extension))}
        assert rows == {module_id: 3, None: 1}
        events = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "cohort.extension_granted")
        ).all()
        assert [e.details["days"] for e in events] == [3, 1]
        assert events[0].details["student_id"] == student.id
        extension_id = db.session.scalar(db.select(Extension.id).where(Extension.days == 3))
    response = post_form(admin, f"{url}/{extension_id}/remove", {}, token_from=url)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(
            db.select(AuditEvent.id).where(AuditEvent.action == "cohort.extension_removed")
        )


def test_extension_form_errors(app, admin, course, make_user):
    _course_id, cohort_id = course
    url = f"/admin/cohorts/{cohort_id}/extensions"
    outsider = make_user()
    for data in (
        {"email": outsider.email, "module": "0", "days": "3"},
        {"email": "nobody@example.com", "module": "0", "days": "3"},
        {"email": outsider.email, "module": "0", "days": "500"},
        {"email": outsider.email, "module": "99999", "days": "3"},
    ):
        response = post_form(admin, url, data, token_from=url)
        assert response.status_code == 422, data
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Extension)) == 0


def test_another_cohorts_extension_cannot_be_removed(app, admin, make_course, student, course):
    _c, other_cohort = make_course(slug="other")
    with app.app_context():
        enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.user_id == student.id))
        extension = Extension(enrolment_id=enrolment.id, module_id=None, days=2)
        db.session.add(extension)
        db.session.commit()
        extension_id = extension.id
    url = f"/admin/cohorts/{other_cohort}/extensions"
    assert post_form(admin, f"{url}/{extension_id}/remove", {}, token_from=url).status_code == 404
