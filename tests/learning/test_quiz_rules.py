"""Quiz rules: options shuffled per attempt and stable within it, a cooldown between attempts
enforced on the server, and what a failed attempt reveals (the course's quiz_feedback)."""

from __future__ import annotations

import re

from app.extensions import db
from app.learning import quiz
from app.learning.models import Course, Module, QuizAttempt
from tests.fixtures.app import post_form
from tests.fixtures.course import age_quiz_attempts

M1 = "/courses/demo/modules/m1"
QUIZ = M1 + "/quiz"
RIGHT = {"q-q1": "a", "q-q2": ["b", "c"]}
WRONG = {"q-q1": "b", "q-q2": ["b"]}
OPTION_RE = re.compile(r'id="q-(q\d)-(\w)"')


def shown_order(html: str) -> dict[str, list[str]]:
    order: dict[str, list[str]] = {}
    for question, option in OPTION_RE.findall(html):
        order.setdefault(question, []).append(option)
    return order


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert found, name
    return found.group(1)


def submit(client, data, *, round_no: str | None = None):
    page = client.get(QUIZ).get_data(as_text=True)
    form = {"token": hidden(page, "token"), "round": round_no or hidden(page, "round"), **data}
    return post_form(client, QUIZ, form, token_from=QUIZ), form, page


def set_course(app, **values) -> None:
    with app.app_context():
        db.session.execute(db.update(Course).values(**values))
        db.session.commit()


def test_the_order_is_the_same_on_a_reload_and_stored_with_the_attempt(app, client, student, login):
    login(client, student)
    first = shown_order(client.get(QUIZ).get_data(as_text=True))
    assert shown_order(client.get(QUIZ).get_data(as_text=True)) == first
    assert sorted(first["q2"]) == ["a", "b", "c", "d"]
    response, _form, _page = submit(client, RIGHT)
    assert response.status_code == 302
    with app.app_context():
        attempt = db.session.scalar(db.select(QuizAttempt))
        assert attempt.option_order == first and attempt.passed
    # The result page lists the options in the order the attempt showed them.
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert result.count("your answer") >= 1


def test_each_attempt_has_its_own_order(app, student, course):
    with app.test_request_context():
        module = db.session.scalars(db.select(Module).where(Module.slug == "m1")).one()
        orders = [quiz.option_order(student.id, module, n) for n in range(6)]
        assert len({str(order) for order in orders}) > 1
        assert orders[2] == quiz.option_order(student.id, module, 2)  # derived, not random
        other = quiz.option_order(student.id + 1, module, 0)
        assert all(sorted(other[k]) == sorted(orders[0][k]) for k in other)


def test_a_form_with_an_old_order_is_judged_by_option_ids(app, client, student, login):
    login(client, student)
    submit(client, WRONG)
    with app.app_context():
        age_quiz_attempts()
        db.session.commit()
    # Sent from a page of the first round (its order), after the first attempt.
    response, _form, _page = submit(client, RIGHT, round_no="0")
    assert response.status_code == 302
    with app.app_context():
        module = db.session.scalars(db.select(Module).where(Module.slug == "m1")).one()
        latest = db.session.scalars(db.select(QuizAttempt).order_by(QuizAttempt.id.desc())).first()
        assert latest.passed and latest.score == 2
        assert latest.option_order == quiz.option_order(student.id, module, 0)


def test_a_retry_waits_for_the_cooldown(app, client, student, login):
    login(client, student)
    failed, _form, _page = submit(client, WRONG)
    assert failed.status_code == 302
    page = client.get(QUIZ).get_data(as_text=True)
    assert "You can start your next attempt at" in page
    assert 'value="Submit answers"' not in page and 'name="token"' not in page  # no form yet
    # A hand-made POST during the wait is refused, with the translated message, not recorded.
    refused = post_form(
        client, QUIZ, {"token": quiz.new_token(), "round": "1", **RIGHT}, token_from=M1
    )
    assert refused.status_code == 429
    assert "You can start your next attempt at" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(QuizAttempt)) == 1
        age_quiz_attempts()
        db.session.commit()
    again, _form, page = submit(client, RIGHT)
    assert again.status_code == 302 and "You can start your next attempt" not in page


def test_a_double_click_during_the_cooldown_is_one_attempt_not_an_error(
    app, client, student, login
):
    login(client, student)
    first, form, _page = submit(client, WRONG)
    second = post_form(client, QUIZ, form, token_from=M1)  # the same form again
    assert second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(QuizAttempt)) == 1


def test_no_cooldown_when_the_course_sets_zero(app, client, student, login):
    set_course(app, quiz_retry_cooldown=0)
    login(client, student)
    submit(client, WRONG)
    again, _form, page = submit(client, WRONG)
    assert again.status_code == 302 and "next attempt at" not in page


def test_wrong_only_feedback_marks_what_was_wrong_but_not_the_right_option(
    app, client, student, login
):
    login(client, student)
    failed, _form, _page = submit(client, {"q-q1": "a", "q-q2": ["b"]})
    html = client.get(failed.headers["Location"]).get_data(as_text=True)
    assert "correct answer" not in html
    assert "✓ Right" in html and "✗ Not right" in html  # which questions were wrong
    assert "Because 1" in html and "Because 2" in html  # and the explanations
    assert "the right options are not shown" in html


def test_full_feedback_shows_the_right_options(app, client, student, login):
    set_course(app, quiz_feedback="full")
    login(client, student)
    failed, _form, _page = submit(client, WRONG)
    html = client.get(failed.headers["Location"]).get_data(as_text=True)
    assert html.count("correct answer") == 3  # q1: a; q2: b and c


def test_a_passed_attempt_shows_the_right_options(app, client, student, login):
    login(client, student)
    passed, _form, _page = submit(client, RIGHT)
    html = client.get(passed.headers["Location"]).get_data(as_text=True)
    assert "You passed the quiz." in html and html.count("correct answer") == 3


def test_the_quiz_page_never_carries_the_answers(client, student, login):
    login(client, student)
    html = client.get(QUIZ).get_data(as_text=True)
    assert "Because" not in html and "correct answer" not in html
