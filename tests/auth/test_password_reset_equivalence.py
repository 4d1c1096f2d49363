"""/forgot-password does the same work for a known and an unknown address: the same SQL
statements, no mail in the request, one reset request row and one job each; only the job,
later, writes and sends the known one's mail."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from app import jobs
from app.auth.models import PasswordResetRequest
from app.extensions import db
from app.mail.models import OutboxMessage
from tests.fixtures.app import csrf_token, make_user_in
from tests.fixtures.mail import run_queue


@contextmanager
def statements(app) -> Iterator[list[str]]:
    """The SQL the app runs meanwhile (its text; parameters differ from one address to another)."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def ask(app, email: str, sql: list[str] | None = None):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = "/forgot-password"
    token = csrf_token(client, url)
    with statements(app) as seen:
        response = client.post(url, data={"email": email, "csrf_token": token})
    if sql is not None:
        sql.extend(seen)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    # Each browser has its own CSRF token and request id; everything else must match.
    return response, re.sub(r'value="[^"]*\.[^"]*"|[0-9a-f]{16}', "", page)


def outbox_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage))


def test_known_and_unknown_addresses_get_the_same_answer_and_no_mail_in_the_request(
    queued_app, mailbox
):
    make_user_in(queued_app)(email="known@example.com", locale="en")
    make_user_in(queued_app)(email="gone@example.com", locale="en", active=False)
    answers, sql = [], []
    for email in ["known@example.com", "nobody@example.com", "gone@example.com"]:
        before = jobs.huey.pending_count()
        sql.append([])
        response, page = ask(queued_app, email, sql[-1])
        answers.append((response.status_code, response.headers["Location"], page))
        assert jobs.huey.pending_count() == before + 1  # one job each, whoever asked
        assert outbox_count(queued_app) == 0  # no mail written in the request
        assert mailbox.messages == []  # none sent
    assert answers[0][:2] == answers[1][:2] == answers[2][:2]
    assert answers[0][2] == answers[1][2] == answers[2][2]
    # The same statements, in the same order, whoever asked: one lookup, the audit row, the
    # reset request row (and the session's own work, the same for all).
    assert sql[0] == sql[1] == sql[2]
    assert sum("password_reset_request" in s for s in sql[0]) == 1
    with queued_app.app_context():
        requests = db.session.scalars(
            db.select(PasswordResetRequest).order_by(PasswordResetRequest.id)
        ).all()
        assert [r.processed_at for r in requests] == [None, None, None]
        assert [r.user_id is None for r in requests] == [False, True, True]
    assert "If an account uses that address" in answers[0][2]

    run_queue(jobs.huey)  # the reset jobs: one mail written, its delivery job enqueued
    run_queue(jobs.huey)  # the delivery
    assert [m["To"] for m in mailbox.messages] == ["known@example.com"]
    assert "/reset-password/" in mailbox.text(mailbox.messages[0])
    assert outbox_count(queued_app) == 1
    with queued_app.app_context():
        processed = db.session.scalars(db.select(PasswordResetRequest.processed_at)).all()
        assert len(processed) == 3 and None not in processed
