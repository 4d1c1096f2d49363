"""Students at risk: the criteria, the filters, the page's query count, and bulk nudges."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.cohorts.models import Enrolment
from app.db import utcnow
from app.extensions import db
from app.homework.models import Status
from app.learning.models import ModuleProgress
from app.teaching.models import Nudge
from tests.fixtures.app import make_user_in, post_form
from tests.fixtures.homework import as_user, audit_events, count, enrol, make_submission

URL = "/admin/cohorts/{a}/at-risk"


def idle_for(app, user, days: int) -> None:
    with app.app_context():
        db.session.execute(
            db.update(Enrolment)
            .where(Enrolment.user_id == user.id)
            .values(last_activity_at=utcnow() - timedelta(days=days))
        )
        db.session.commit()


def failed_quiz(app, user, module_id: int) -> None:
    with app.app_context():
        db.session.add(ModuleProgress(user_id=user.id, module_id=module_id, quiz_attempts=1))
        db.session.commit()


@pytest.fixture
def admin(app, login, world):
    return as_user(app, login, world.admin)


def test_each_criterion_finds_its_students(app, world, admin):
    url = URL.format(a=world.cohort_a)
    assert "0 students at risk" in admin.get(url).get_data(as_text=True)
    idle_for(app, world.owner, 10)
    page = admin.get(url).get_data(as_text=True)
    assert "Owner Student" in page and "Classmate Student" not in page and "No activity" in page
    assert (
        "Classmate" not in admin.get(url + "?days=30").get_data(as_text=True).split("<caption")[-1]
    )
    failed_quiz(app, world.classmate, world.modules["m1"])
    page = admin.get(url + "?reason=quiz").get_data(as_text=True)
    assert "Classmate Student" in page and "Owner Student" not in page
    assert "Failed a quiz, not passed since" in page


def test_homework_returned_and_not_handed_in_again(app, world, admin):
    returned = make_submission(
        app, world.owner, world.cohort_a, module_id=world.modules["m1"], status=Status.RETURNED,
        reviewer_id=world.reviewer.id, reviewed_at=utcnow() - timedelta(days=9),
    )  # fmt: skip
    url = URL.format(a=world.cohort_a) + "?reason=revision"
    assert "Owner Student" in admin.get(url).get_data(as_text=True)
    assert "Owner Student" not in admin.get(url + "&days=14").get_data(as_text=True)
    # A revision handed in: no longer at risk for this reason.
    make_submission(
        app, world.owner, world.cohort_a, module_id=world.modules["m1"], attempt_no=2,
    )  # fmt: skip
    assert returned and "Owner Student" not in admin.get(url).get_data(as_text=True)


@pytest.mark.parametrize("query", ["?days=0", "?days=366", "?days=x", "?reason=nope", "?page=0"])
def test_bad_filters_are_400(world, admin, query):
    assert admin.get(URL.format(a=world.cohort_a) + query).status_code == 400


def test_the_page_costs_the_same_queries_for_one_or_many(app, world, admin, count_queries):
    idle_for(app, world.owner, 30)
    url = URL.format(a=world.cohort_a)
    admin.get(url)  # the identity is cached from here on (ADR 0024)
    with count_queries() as one:
        assert admin.get(url).status_code == 200
    make_user = make_user_in(app)
    for n in range(12):
        user = make_user(name=f"Idle {n}", email=f"idle{n}@example.com")
        enrol(app, user, world.cohort_a)
        idle_for(app, user, 30)
        failed_quiz(app, user, world.modules["m2"])
    with count_queries() as many:
        page = admin.get(url).get_data(as_text=True)
    assert "13 students at risk" in page
    assert many.count == one.count


def test_reviewers_read_the_list_without_nudging(app, login, world):
    idle_for(app, world.owner, 10)
    reviewer = as_user(app, login, world.reviewer)
    page = reviewer.get(URL.format(a=world.cohort_a)).get_data(as_text=True)
    assert "Owner Student" in page and 'name="student"' not in page and "/nudge" not in page


def test_nudging_the_ticked_students(app, world, admin, mailbox):
    idle_for(app, world.owner, 10)
    idle_for(app, world.classmate, 10)
    url = URL.format(a=world.cohort_a)
    response = post_form(
        admin, url + "/nudge", {"student": str(world.owner.id), "days": "7"}, token_from=url
    )
    assert response.status_code == 302
    assert mailbox.to(world.classmate.email) == []
    message = mailbox.last_to(world.owner.email)
    assert "We have not seen you" in mailbox.text(message)
    with app.app_context():
        nudge = db.session.scalar(db.select(Nudge))
        assert (nudge.user_id, nudge.sent_by_id) == (world.owner.id, world.admin.id)
        assert nudge.mailed_at is not None
    (event,) = audit_events(app, "teaching.students_nudged")
    assert event.details["students"] == 1
    assert "Last nudged" in admin.get(url).get_data(as_text=True)


def test_nudging_everyone_on_the_filter_and_nobody_outside_the_cohort(app, world, admin, mailbox):
    idle_for(app, world.owner, 10)
    idle_for(app, world.classmate, 10)
    idle_for(app, world.outsider, 10)
    url = URL.format(a=world.cohort_a)
    response = post_form(
        admin, url + "/nudge", {"everyone": "y", "days": "7", "reason": "idle"}, token_from=url
    )
    assert response.status_code == 302
    assert count(app, Nudge) == 2
    assert sorted(m["To"] for m in mailbox.messages) == sorted(
        [world.owner.email, world.classmate.email]
    )
    # A student of another cohort, ticked by hand, is not nudged from this one.
    post_form(
        admin, url + "/nudge", {"student": str(world.outsider.id), "days": "7"}, token_from=url
    )
    assert count(app, Nudge) == 2


def test_nudging_nobody_says_so(app, world, admin):
    url = URL.format(a=world.cohort_a)
    response = post_form(admin, url + "/nudge", {"days": "7"}, token_from=url)
    assert response.status_code == 302
    assert "Choose at least one student" in admin.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert count(app, Nudge) == 0
    bad = post_form(admin, url + "/nudge", {"student": "x", "days": "7"}, token_from=url)
    assert bad.status_code == 400


def due_days_ago(app, cohort_id: int, module_id: int, days: int) -> None:
    from app.cohorts.models import CohortModuleDate

    with app.app_context():
        due = utcnow() - timedelta(days=days)
        db.session.add(
            CohortModuleDate(
                cohort_id=cohort_id, module_id=module_id, opens_at=due - timedelta(days=7),
                due_at=due,
            )
        )  # fmt: skip
        db.session.commit()


def extend(app, user, cohort_id: int, days: int, module_id: int | None = None) -> None:
    from app.cohorts.models import Extension

    with app.app_context():
        enrolment = db.session.scalar(
            db.select(Enrolment).where(
                Enrolment.user_id == user.id, Enrolment.cohort_id == cohort_id
            )
        )
        db.session.add(Extension(enrolment_id=enrolment.id, module_id=module_id, days=days))
        db.session.commit()


def test_a_missed_due_date_counts_until_handed_in_or_extended(app, world, admin):
    url = URL.format(a=world.cohort_a) + "?reason=late"
    page = admin.get(url).get_data(as_text=True)
    assert "Owner Student" not in page  # no due date has passed yet
    due_days_ago(app, world.cohort_a, world.modules["m1"], 3)
    page = admin.get(url).get_data(as_text=True)
    assert "Owner Student" in page and "Classmate Student" in page
    assert "Missed a due date" in page
    # Handed in (late): no longer missed. A draft would not count.
    make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])
    # An extension still running (5 days > 3 days since the due date) excuses the classmate;
    # a course-wide one of 2 days has run out.
    extend(app, world.classmate, world.cohort_a, 5, world.modules["m1"])
    page = admin.get(url).get_data(as_text=True)
    assert "Owner Student" not in page and "Classmate Student" not in page


def test_a_run_out_extension_does_not_excuse(app, world, admin):
    due_days_ago(app, world.cohort_a, world.modules["m1"], 3)
    extend(app, world.classmate, world.cohort_a, 2)
    page = admin.get(URL.format(a=world.cohort_a) + "?reason=late").get_data(as_text=True)
    assert "Classmate Student" in page
