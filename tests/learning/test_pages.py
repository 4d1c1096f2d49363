"""The student's path in pages: join, dashboard, module, lesson, quiz."""

import re

import pytest

from app.cohorts.models import Cohort, Enrolment
from app.extensions import db
from app.learning.models import ModuleProgress, QuizAttempt
from tests.fixtures.app import post_form
from tests.fixtures.course import age_quiz_attempts

M1 = "/courses/demo/modules/m1"
RIGHT = {"q-q1": "a", "q-q2": ["b", "c"]}
WRONG = {"q-q1": "b", "q-q2": ["b"]}


def quiz_post(client, data, url=M1 + "/quiz"):
    page = client.get(url)
    token = re.search(r'name="token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    token = (
        token.group(1)
        if token
        else re.search(r'value="([^"]+)"[^>]*name="token"', page.get_data(as_text=True)).group(1)
    )
    return post_form(client, url, {"token": token, **data}, token_from=url), token


def invite(app, cohort_id):
    with app.app_context():
        return db.session.get(Cohort, cohort_id).invite_code


def test_join_by_invite_link(app, client, make_user, login, course):
    code = invite(app, course[1])
    anonymous = client.get(f"/join/{code}")
    assert anonymous.status_code == 200
    assert f"/register?next=/join/{code}" in anonymous.get_data(as_text=True)
    user = make_user()
    login(client, user)
    response = post_form(client, f"/join/{code}", token_from=f"/join/{code}")
    assert response.status_code == 302
    assert post_form(client, f"/join/{code}", token_from=f"/join/{code}").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Enrolment)) == 1
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Module 1" in html and "Watch and read the lesson" in html


@pytest.mark.parametrize("change", ["closed", "archived", "unknown"])
def test_closed_archived_or_unknown_invites_are_not_found(app, client, course, change):
    code = invite(app, course[1])
    with app.app_context():
        cohort = db.session.get(Cohort, course[1])
        if change == "closed":
            cohort.invite_open = False
        elif change == "archived":
            from app.db import utcnow

            cohort.archived_at = utcnow()
        db.session.commit()
    url = "/join/nope" if change == "unknown" else f"/join/{code}"
    assert client.get(url).status_code == 404


def test_module_page_in_kazakh_without_javascript(client, student, login):
    login(client, student)
    client.set_cookie("lang", "kk", domain="localhost")
    client.environ_base.pop("HTTP_ACCEPT_LANGUAGE")
    html = client.get(M1).get_data(as_text=True)
    assert "Module 1 (kk)" in html and "<script" not in html
    # The lesson has no Kazakh text: it falls back to Russian, with a notice.
    assert "Урок 1" in html and 'class="notice"' in html


def test_content_language_is_independent_of_the_interface(client, student, login):
    login(client, student)
    html = client.get(M1 + "?lang=ru").get_data(as_text=True)
    assert '<html lang="en">' in html and "Module 1 (ru)" in html and "Урок 1" in html


def test_transcript_shown_when_there_is_no_video(client, student, login):
    login(client, student)
    html = client.get(M1).get_data(as_text=True)
    assert "Transcript" in html and "Hello" in html


def test_mark_read_then_quiz_fail_then_pass(app, client, student, login):
    login(client, student)
    response = post_form(client, M1 + "/read", token_from=M1)
    assert response.status_code == 302 and "/quiz" in response.headers["Location"]

    failed, _ = quiz_post(client, WRONG)
    assert failed.status_code == 302
    result = client.get(failed.headers["Location"]).get_data(as_text=True)
    assert "You answered 0 of 2" in result and "Because 1" in result and "Try again" in result
    with app.app_context():
        age_quiz_attempts()  # past the cooldown
        db.session.commit()

    passed, _ = quiz_post(client, RIGHT)
    result = client.get(passed.headers["Location"]).get_data(as_text=True)
    assert "You answered 2 of 2" in result and "You passed the quiz." in result
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(QuizAttempt)) == 2
        row = db.session.scalar(db.select(ModuleProgress))
        assert row.lesson_read_at and row.quiz_passed_at and row.completed_at is None
        assert row.quiz_attempts == 2  # what the cohort reports count
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Homework: not submitted" in html and "Do the homework" in html


def test_correct_answers_never_reach_the_browser_before_an_attempt(client, student, login):
    login(client, student)
    html = client.get(M1 + "/quiz").get_data(as_text=True)
    assert "Because" not in html and "correct answer" not in html


def test_double_submit_records_one_attempt(app, client, student, login):
    login(client, student)
    first, token = quiz_post(client, RIGHT)
    again = post_form(client, M1 + "/quiz", {"token": token, **RIGHT}, token_from=M1)
    assert again.headers["Location"] == first.headers["Location"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(QuizAttempt)) == 1
        assert db.session.scalar(db.select(ModuleProgress.quiz_attempts)) == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({"q-q1": "a"}, "Please answer every question."),
        ({"q-q1": "z", "q-q2": "b"}, "do not match this quiz"),
        ({"q-q1": ["a", "a"], "q-q2": "b"}, "do not match this quiz"),
        ({"q-q1": ["a", "b"], "q-q2": "b"}, "do not match this quiz"),
        ({"q-q1": "a", "q-q2": "b", "q-q99": "a"}, "do not match this quiz"),
        ({"q-q1": "a", "q-q2": "b", **{f"q-x{i}": "a" for i in range(300)}}, "do not match"),
    ],
)
def test_tampered_quiz_posts_change_nothing(app, client, student, login, data, message):
    login(client, student)
    response, _ = quiz_post(client, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(QuizAttempt)) == 0


def test_huge_quiz_post_is_refused(app, client, student, login):
    login(client, student)
    response, _ = quiz_post(client, {"q-q1": "a" * 40_000, "q-q2": "b"})
    assert response.status_code == 413
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(QuizAttempt)) == 0


def test_another_module_question_ids_are_refused(app, client, student, login, make_course, enrol):
    login(client, student)
    response, _ = quiz_post(client, {"q-q1": "a", "q-q2": ["b", "c"], "q-q3": "a"})
    assert response.status_code == 422


def test_quiz_attempt_of_another_student_is_not_found(
    app, client, student, login, make_user, enrol, course
):
    login(client, student)
    response, _ = quiz_post(client, RIGHT)
    other = make_user()
    enrol(other, course[1])
    c2 = app.test_client()
    login(c2, other)
    assert c2.get(response.headers["Location"]).status_code == 404


def test_captions_served_as_vtt(client, student, login):
    login(client, student)
    response = client.get(M1 + "/captions/en.vtt")
    assert response.status_code == 200 and response.mimetype == "text/vtt"
    assert client.get(M1 + "/captions/kk.vtt").status_code == 404


def test_video_progress_without_ranges_is_refused(client, student, login):
    login(client, student)
    response = post_form(client, M1 + "/video-progress", {"ranges": "lots"}, token_from=M1)
    assert response.status_code == 400
    ok = post_form(client, M1 + "/video-progress", {"ranges": "[[0, 30]]"}, token_from=M1)
    assert ok.status_code == 204
