"""Two tabs and double clicks against a real multi-threaded server (SQLite file database by
default, PostgreSQL with TEST_DATABASE_URL): simultaneous posts never give a 500."""

import re

from app.extensions import db
from app.learning.models import ModuleProgress, QuizAttempt
from tests.concurrency import Browser, at_once, live_server, statuses

M1 = "/courses/demo/modules/m1"


def test_marking_a_lesson_read_from_many_tabs_at_once(app, client, login, student):
    login(client, student)
    with live_server(app) as url:
        browser = Browser.signed_in(url, app, client)
        token = browser.token(M1)
        replies = at_once([lambda: browser.post(M1 + "/read", token=token) for _ in range(12)])
    assert statuses(replies) == [302] * 12
    with app.app_context():
        rows = db.session.scalars(db.select(ModuleProgress)).all()
        assert len(rows) == 1 and rows[0].lesson_read_at is not None


def test_the_same_quiz_form_sent_from_many_tabs_at_once_is_one_attempt(app, client, login, student):
    login(client, student)
    with live_server(app) as url:
        browser = Browser.signed_in(url, app, client)
        browser.post(M1 + "/read", token=browser.token(M1))
        page = browser.get(M1 + "/quiz").text
        token = re.search(r'name="token"[^>]*value="([^"]+)"', page).group(1)
        form = {"token": token, "q-q1": "a", "q-q2": ["b", "c"]}
        csrf = browser.token(M1 + "/quiz")
        replies = at_once([lambda: browser.post(M1 + "/quiz", form, token=csrf) for _ in range(12)])
    assert statuses(replies) == [302] * 12
    assert len({r.headers["Location"] for r in replies}) == 1  # all shown the same attempt
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(QuizAttempt)) == 1
        assert db.session.scalar(db.select(ModuleProgress.quiz_attempts)) == 1
