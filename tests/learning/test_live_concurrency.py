"""Two tabs and double clicks against a real multi-threaded server (SQLite file database by
default, PostgreSQL with TEST_DATABASE_URL): simultaneous posts never give a 500."""

from app.extensions import db
from app.learning.models import ModuleProgress
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
