"""Reset requests are durable: the request writes a row, the job writes the mail in the
transaction that marks it processed, and the sweep re-runs what a dead worker left (ADR 0017)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import jobs
from app.auth import password_resets
from app.auth.jobs import prune_password_resets, send_password_reset, sweep_password_resets
from app.auth.models import PasswordResetRequest, User
from app.db import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from tests.concurrency import at_once
from tests.fixtures.app import make_user_in, post_form
from tests.fixtures.mail import run_queue


def ask(app, email: str) -> None:
    client = app.test_client()
    response = post_form(client, "/forgot-password", {"email": email}, token_from="/")
    assert response.status_code == 302


def requests() -> list[PasswordResetRequest]:
    return list(
        db.session.scalars(db.select(PasswordResetRequest).order_by(PasswordResetRequest.id))
    )


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))


def age(request_id: int, **delta) -> None:
    db.session.get(PasswordResetRequest, request_id).created_at = utcnow() - timedelta(**delta)
    db.session.commit()


class WorkerDied(Exception):
    pass


def test_a_request_writes_a_row_whose_job_writes_one_mail(queued_app, mailbox):
    user = make_user_in(queued_app)(email="known@example.com")
    ask(queued_app, "known@example.com")
    with queued_app.app_context():
        (row,) = requests()
        assert (row.user_id, row.processed_at) == (user.id, None)
        assert outbox() == []
    assert jobs.huey.pending_count() == 1
    run_queue(jobs.huey)  # the reset job: the mail's outbox row, and its delivery job
    with queued_app.app_context():
        (row,) = requests()
        assert row.processed_at is not None
        (message,) = outbox()
        assert message.to_address == "known@example.com"
    run_queue(jobs.huey)
    assert len(mailbox.to("known@example.com")) == 1


def test_an_unknown_address_gets_a_processed_row_and_no_mail(queued_app, mailbox):
    ask(queued_app, "nobody@example.com")
    run_queue(jobs.huey)
    with queued_app.app_context():
        (row,) = requests()
        assert row.user_id is None and row.processed_at is not None
        assert outbox() == []
    assert mailbox.messages == []


def test_an_account_deactivated_before_the_job_gets_no_mail(queued_app, mailbox):
    user = make_user_in(queued_app)(email="leaving@example.com")
    ask(queued_app, "leaving@example.com")
    with queued_app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    run_queue(jobs.huey)
    with queued_app.app_context():
        assert requests()[0].processed_at is not None
        assert outbox() == []
    assert mailbox.messages == []


def test_a_worker_dying_after_the_claim_loses_nothing_the_sweep_sends_it_once(
    queued_app, mailbox, monkeypatch
):
    make_user_in(queued_app)(email="known@example.com")
    ask(queued_app, "known@example.com")
    jobs.huey.flush()  # a worker takes the job from the queue, then dies in it:
    write_mail = password_resets.write_mail

    def write_then_die(user_id):
        write_mail(user_id)  # the claim is made and the mail row written, uncommitted
        raise WorkerDied

    monkeypatch.setattr(password_resets, "write_mail", write_then_die)
    with queued_app.app_context():
        (row,) = requests()
        with pytest.raises(WorkerDied):
            send_password_reset.call_local(row.id)
        # Rolled back together: the request is not processed, and there is no mail row.
        assert requests()[0].processed_at is None
        assert outbox() == []
        monkeypatch.setattr(password_resets, "write_mail", write_mail)
        assert sweep_password_resets.call_local() == 0  # young: left to its own job
        age(row.id, minutes=2)
        assert sweep_password_resets.call_local() == 1
        assert sweep_password_resets.call_local() == 0
        assert requests()[0].processed_at is not None
        assert len(outbox()) == 1
    with queued_app.app_context():
        row_id = requests()[0].id
    with queued_app.test_request_context(method="POST"):
        jobs.on_commit(send_password_reset, row_id)  # the lost job comes back after all
        jobs.run_committed()
    run_queue(jobs.huey)
    assert len(mailbox.to("known@example.com")) == 1


def test_a_request_run_twice_writes_one_mail(queued_app, mailbox):
    make_user_in(queued_app)(email="twice@example.com")
    ask(queued_app, "twice@example.com")
    with queued_app.app_context():
        (row,) = requests()
        row_id = row.id
    with queued_app.test_request_context(method="POST"):
        jobs.on_commit(send_password_reset, row_id)  # the same job again (a retry, say)
        jobs.run_committed()
    assert jobs.huey.pending_count() == 2
    run_queue(jobs.huey)  # both reset jobs, then the one delivery
    with queued_app.app_context():
        assert len(outbox()) == 1
        assert send_password_reset.call_local(row_id) is False
    assert len(mailbox.to("twice@example.com")) == 1


def test_runs_racing_for_one_request_write_one_mail(queued_app, mailbox):
    make_user_in(queued_app)(email="race@example.com")
    ask(queued_app, "race@example.com")
    jobs.huey.flush()
    with queued_app.app_context():
        row_id = requests()[0].id

    def run() -> bool:
        with queued_app.app_context():
            return send_password_reset.call_local(row_id)

    results = at_once([run] * 4)
    assert sorted(results) == [False, False, False, True]
    with queued_app.app_context():
        assert len(outbox()) == 1


def test_one_request_that_fails_does_not_hold_back_the_others(queued_app, mailbox, monkeypatch):
    first = make_user_in(queued_app)(email="first@example.com")
    make_user_in(queued_app)(email="second@example.com")
    ask(queued_app, "first@example.com")
    ask(queued_app, "second@example.com")
    jobs.huey.flush()  # both jobs lost
    write_mail = password_resets.write_mail

    def fail_for_first(user_id):
        if user_id == first.id:
            raise WorkerDied
        write_mail(user_id)

    monkeypatch.setattr(password_resets, "write_mail", fail_for_first)
    with queued_app.app_context():
        for row in requests():
            age(row.id, minutes=5)
        assert sweep_password_resets.call_local() == 1
        assert [r.processed_at is None for r in requests()] == [True, False]
        assert [m.to_address for m in outbox()] == ["second@example.com"]
    run_queue(jobs.huey)
    assert [m["To"] for m in mailbox.messages] == ["second@example.com"]


def test_old_requests_are_pruned(queued_app, mailbox):
    for email in ["a@example.com", "b@example.com", "c@example.com"]:
        ask(queued_app, email)
    jobs.huey.flush()
    with queued_app.app_context():
        old_done, old_stuck, recent = (r.id for r in requests())
        password_resets.process(old_done)
        db.session.commit()
        age(old_done, days=8)
        age(old_stuck, days=8)
        assert prune_password_resets.call_local() == 2
        assert [r.id for r in requests()] == [recent]
