"""/forgot-password does the same work for a known and an unknown address: no mail in the
request, one job each; only the job, later, writes and sends the known one's mail."""

from __future__ import annotations

import re

from app import jobs
from app.extensions import db
from app.mail.models import OutboxMessage
from tests.fixtures.app import make_user_in, post_form
from tests.fixtures.mail import run_queue


def ask(app, email: str):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = "/forgot-password"
    response = post_form(client, url, {"email": email}, token_from=url)
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
    answers = []
    for email in ["known@example.com", "nobody@example.com"]:
        before = jobs.huey.pending_count()
        response, page = ask(queued_app, email)
        answers.append((response.status_code, response.headers["Location"], page))
        assert jobs.huey.pending_count() == before + 1  # one job each, whoever asked
        assert outbox_count(queued_app) == 0  # no mail written in the request
        assert mailbox.messages == []  # none sent
    assert answers[0][:2] == answers[1][:2]
    assert answers[0][2] == answers[1][2]
    assert "If an account uses that address" in answers[0][2]

    run_queue(jobs.huey)  # the reset jobs: one mail written, its delivery job enqueued
    run_queue(jobs.huey)  # the delivery
    assert [m["To"] for m in mailbox.messages] == ["known@example.com"]
    assert "/reset-password/" in mailbox.text(mailbox.messages[0])
    assert outbox_count(queued_app) == 1
