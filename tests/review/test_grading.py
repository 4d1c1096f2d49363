"""Grading against the rubric: what is required, what the student then sees and receives, the
audit log, module completion, stale forms, and the earlier attempts shown beside the current."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext

from app.db import utcnow
from app.extensions import db
from app.homework.models import (
    FEEDBACK_MAX,
    Decision,
    Notification,
    Review,
    ReviewScore,
    Status,
)
from app.learning import progress
from app.learning.models import Module, ModuleProgress
from app.policy import Role
from tests.fixtures.app import post_form
from tests.fixtures.homework import (
    HW,
    as_user,
    assign,
    audit_events,
    count,
    fact_check,
    get_submission,
    grading,
    latest_submission,
    make_submission,
    open_for_review,
    post_grade,
    post_homework,
    review_url,
    set_fields,
    snapshot,
)

XSS = "<script>alert(1)</script>"


@pytest.fixture
def sub(app, world):
    return make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])


@pytest.fixture
def reviewer(client, login, world):
    return login(client, world.reviewer)


def finish_lesson_and_quiz(app, user, slug="m1"):
    with app.app_context():
        module = db.session.scalar(db.select(Module).where(Module.slug == slug))
        progress.mark_lesson_read(user.id, module)
        progress.mark_quiz_passed(user.id, module)
        db.session.commit()


def completed_at(app, user, module_id):
    with app.app_context():
        row = db.session.scalar(
            db.select(ModuleProgress).where(
                ModuleProgress.user_id == user.id, ModuleProgress.module_id == module_id
            )
        )
        return row.completed_at if row else None


def test_accepting_records_the_rubric_notifies_and_completes_the_module(
    app, reviewer, login, world, sub, mailbox
):
    finish_lesson_and_quiz(app, world.owner)
    data = grading(
        world, points=(2, 1), feedback=f"Overall {XSS}", notes=(f"Claim {XSS}", "Sources fine")
    )

    response = post_grade(reviewer, sub, data)

    assert response.status_code == 302 and response.headers["Location"].endswith("/review/")
    graded = get_submission(app, sub)
    assert graded.status == Status.ACCEPTED
    assert (graded.reviewer_id, graded.claim_expires_at) == (world.reviewer.id, None)
    assert graded.reviewed_at is not None
    with app.app_context():
        review = db.session.scalar(db.select(Review))
        assert (review.submission_id, review.reviewer_id, review.decision) == (
            sub,
            world.reviewer.id,
            Decision.ACCEPT,
        )
        assert review.feedback == f"Overall {XSS}"
        assert [(s.criterion_id, s.points, s.feedback) for s in review.scores] == [
            (world.criteria["m1"][0], 2, f"Claim {XSS}"),
            (world.criteria["m1"][1], 1, "Sources fine"),
        ]
        notice = db.session.scalar(db.select(Notification))
        assert (notice.user_id, notice.kind, notice.submission_id, notice.read_at) == (
            world.owner.id,
            "homework_accepted",
            sub,
            None,
        )

    [event] = audit_events(app, "homework.graded")
    assert (event.actor_id, event.target_type, event.target_id) == (
        world.reviewer.id,
        "submission",
        sub,
    )
    assert event.details["decision"] == "accept" and event.details["points"] == 3
    assert event.details["student_id"] == world.owner.id

    message = mailbox.last_to(world.owner.email)
    assert "accepted" in message["Subject"] and "Module 1" in message["Subject"]
    assert "http://localhost" + HW in mailbox.text(message)

    # The module is complete, and the dashboard says so.
    assert completed_at(app, world.owner, world.modules["m1"]) is not None
    student = as_user(app, login, world.owner)
    dashboard = student.get("/dashboard").get_data(as_text=True)
    assert "1 of 3 modules complete" in dashboard

    # The student sees the feedback, per criterion and overall, as text.
    html = student.get(HW).get_data(as_text=True)
    assert "Accepted" in html
    assert XSS not in html
    assert "Overall &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Claim &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Criterion 1" in html and "Level 2 (en)" not in html  # labels are picked per language
    assert "Level 2" in html and "Level 1" in html
    assert "Sources fine" in html

    # And an in-app notice, unread until the student marks it read.
    notices = student.get("/notifications").get_data(as_text=True)
    assert "was accepted" in notices and "Module 1" in notices
    assert count(app, Notification, Notification.read_at.is_(None)) == 1


def test_returning_notifies_and_leaves_the_module_open(app, reviewer, login, world, sub, mailbox):
    finish_lesson_and_quiz(app, world.owner)

    response = post_grade(
        reviewer,
        sub,
        grading(world, points=(0, 1), decision="return", feedback="Add a primary source."),
    )

    assert response.status_code == 302
    assert get_submission(app, sub).status == Status.RETURNED
    assert completed_at(app, world.owner, world.modules["m1"]) is None
    message = mailbox.last_to(world.owner.email)
    assert "revision" in message["Subject"] and "Module 1" in message["Subject"]
    [event] = audit_events(app, "homework.graded")
    assert event.details["decision"] == "return"
    student = as_user(app, login, world.owner)
    html = student.get(HW).get_data(as_text=True)
    assert "Returned for revision" in html and "Add a primary source." in html
    assert "Revise your homework" in student.get("/dashboard").get_data(as_text=True)


def test_accepting_before_the_quiz_does_not_complete_the_module(app, reviewer, world, sub):
    assert post_grade(reviewer, sub, grading(world)).status_code == 302
    assert completed_at(app, world.owner, world.modules["m1"]) is None
    # Passing the quiz afterwards completes it (the progress rules see the accepted homework).
    with app.app_context():
        module = db.session.get(Module, world.modules["m1"])
        progress.mark_lesson_read(world.owner.id, module)
        progress.mark_quiz_passed(world.owner.id, module)
        assert progress.refresh_completion(world.owner.id, module) is True
        db.session.commit()


def test_the_email_is_in_the_students_language(app, client, login, world, make_user, mailbox):
    from tests.fixtures.homework import enrol

    student = make_user(name="Айгерим", locale="ru")
    enrol(app, student, world.cohort_a)
    sub = make_submission(app, student, world.cohort_a, module_id=world.modules["m1"])
    login(client, world.reviewer)

    assert post_grade(client, sub, grading(world)).status_code == 302

    message = mailbox.last_to(student.email)
    assert "Module 1 (ru)" in message["Subject"]  # the module's Russian title
    # The Russian subject once the catalog has it; the English one until then.
    with app.test_request_context(), force_locale("ru"):
        subject = gettext("Your homework was accepted: %(module)s", module="Module 1 (ru)")
    assert message["Subject"] == subject
    assert "Айгерим" in mailbox.text(message)


@pytest.mark.parametrize(
    "points, message",
    [
        ((2, None), "Choose a level for every criterion."),
        ((None, None), "Choose a level for every criterion."),
        ((3, 1), "Choose a level for every criterion."),
        ((-1, 1), "Choose a level for every criterion."),
        (("1.5", 1), "Choose a level for every criterion."),
        (("two", 1), "Choose a level for every criterion."),
        (("--1", 1), "Choose a level for every criterion."),
        (("²", 1), "Choose a level for every criterion."),
        (("9" * 40, 1), "Choose a level for every criterion."),
    ],
)
def test_every_criterion_needs_one_of_its_levels(app, reviewer, world, sub, points, message):
    _status, version = open_for_review(reviewer, sub)
    before = snapshot(app)

    response = post_grade(reviewer, sub, grading(world, points=points), version=version)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'name="decision" value="accept"' in html  # the form is shown again
    assert snapshot(app) == before
    assert audit_events(app, "homework.graded") == []


@pytest.mark.parametrize(
    "change, message",
    [
        ({"decision": None}, "Choose whether to accept the homework or return it."),
        ({"decision": "maybe"}, "Choose whether to accept the homework or return it."),
        ({"feedback": "x" * (FEEDBACK_MAX + 1)}, "Some text is too long."),
        ({"notes": ("x" * (FEEDBACK_MAX + 1), "")}, "Some text is too long."),
    ],
)
def test_a_decision_is_required_and_texts_have_limits(app, reviewer, world, sub, change, message):
    _status, version = open_for_review(reviewer, sub)
    before = snapshot(app)

    response = post_grade(reviewer, sub, grading(world, **change), version=version)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_a_stale_form_gets_409_and_changes_nothing(app, reviewer, login, make_user, world, sub):
    _status, old = open_for_review(reviewer, sub)
    # Meanwhile the claim ran out; another reviewer took it, then gave it back.
    set_fields(app, sub, claim_expires_at=utcnow() - timedelta(seconds=1))
    second = make_user(Role.REVIEWER)
    assign(app, second, world.cohort_a)
    other = as_user(app, login, second)
    open_for_review(other, sub)
    assert post_form(other, review_url(sub, "release"), token_from="/").status_code == 302
    assert get_submission(app, sub).version > int(old)
    before = snapshot(app)

    response = post_grade(reviewer, sub, grading(world), version=old)

    assert response.status_code == 409
    assert "This homework changed while you were grading it" in response.get_data(as_text=True)
    assert snapshot(app) == before
    assert audit_events(app, "homework.graded") == []


def test_reopening_in_another_tab_keeps_the_form_valid(app, reviewer, world, sub):
    _status, first_tab = open_for_review(reviewer, sub)
    _status, second_tab = open_for_review(reviewer, sub)
    assert first_tab == second_tab
    assert post_grade(reviewer, sub, grading(world), version=first_tab).status_code == 302


def test_a_grade_once_given_cannot_be_changed(app, reviewer, world, sub, mailbox):
    _status, version = open_for_review(reviewer, sub)
    assert post_grade(reviewer, sub, grading(world), version=version).status_code == 302
    before = snapshot(app)
    mailbox.clear()

    for stale in (version, get_submission(app, sub).version):
        response = post_grade(reviewer, sub, grading(world, decision="return"), version=stale)
        assert response.status_code == 409
    assert snapshot(app) == before
    assert len(audit_events(app, "homework.graded")) == 1
    assert mailbox.messages == []
    assert count(app, Review) == 1 and count(app, ReviewScore) == 2


def test_grading_needs_the_csrf_token(app, reviewer, world, sub):
    _status, version = open_for_review(reviewer, sub)
    before = snapshot(app)
    response = reviewer.post(review_url(sub, "grade"), data={**grading(world), "version": version})
    assert response.status_code == 400
    assert snapshot(app) == before


def test_the_reviewer_sees_earlier_attempts_and_their_feedback(app, client, login, world):
    # Attempt 1, returned with feedback; the student revises and submits attempt 2.
    student = as_user(app, login, world.owner)
    assert post_homework(student, fact_check(claim="First try"), submit=True).status_code == 302
    first = latest_submission(app, world.owner, world.modules["m1"]).id
    login(client, world.reviewer)
    post_grade(client, first, grading(world, decision="return", feedback="Needs a source."))
    assert post_form(student, HW + "/revise", token_from=HW).status_code == 302

    # While attempt 2 is still a draft, the reviewer looking at attempt 1 does not see it.
    assert post_homework(student, fact_check(claim="Private draft text")).status_code == 302
    html = client.get(review_url(first)).get_data(as_text=True)
    assert "Private draft text" not in html

    assert post_homework(student, fact_check(claim="Second try"), submit=True).status_code == 302
    second = latest_submission(app, world.owner, world.modules["m1"]).id
    html = client.get(review_url(second)).get_data(as_text=True)
    assert "Second try" in html
    assert "Earlier attempts" in html and "First try" in html and "Needs a source." in html
    assert html.index("Second try") < html.index("Earlier attempts") < html.index("First try")

    # Accepting attempt 2 keeps attempt 1 as it was.
    assert post_grade(client, second, grading(world)).status_code == 302
    assert get_submission(app, first).status == Status.RETURNED
    assert get_submission(app, second).status == Status.ACCEPTED


def test_a_new_notice_stays_unread_until_marked_read(app, reviewer, login, world, sub):
    assert post_grade(reviewer, sub, grading(world, decision="return")).status_code == 302
    student = as_user(app, login, world.owner)

    first = student.get("/notifications").get_data(as_text=True)
    second = student.get("/notifications").get_data(as_text=True)

    assert "was returned for revision" in first
    assert 'class="card unread"' in first and 'class="card unread"' in second
    assert count(app, Notification, Notification.read_at.is_(None)) == 1
    response = post_form(student, "/notifications/read", token_from="/notifications")
    assert response.status_code == 302
    third = student.get("/notifications").get_data(as_text=True)
    assert 'class="card unread"' not in third and "was returned for revision" in third
    assert count(app, Notification, Notification.read_at.is_(None)) == 0


def test_the_students_text_is_shown_to_the_reviewer_as_text(app, client, login, world):
    student = as_user(app, login, world.owner)
    data = fact_check(
        claim=XSS,
        platform="<b>Telegram</b>",
        method="<img src=x onerror=alert(1)>",
        **{
            "evidence-0-url": 'https://example.com/?q="><script>alert(1)</script>',
            "evidence-0-note": XSS,
        },
    )
    assert post_homework(student, data, submit=True).status_code == 302
    sub = latest_submission(app, world.owner, world.modules["m1"]).id
    login(client, world.reviewer)

    html = client.get(review_url(sub)).get_data(as_text=True)

    assert "<script>" not in html and "<img src=x" not in html and "<b>Telegram" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="https://example.com/?q=&#34;&gt;&lt;script&gt;' in html
