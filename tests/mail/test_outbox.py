"""The mail outbox: rows written in the transaction, delivered by a job, retried with backoff,
swept up after a crash, never sent twice."""

from __future__ import annotations

import time
from datetime import timedelta

from app import jobs, mail, unit_of_work
from app.db import utcnow
from app.extensions import db
from app.mail.delivery import deliver_mail, due_messages, sweep_outbox
from app.mail.models import OutboxMessage, OutboxStatus
from tests.fixtures.mail import free_port


def write(to: str = "reader@example.com") -> int:
    message = mail.queue(to, "account_exists", "kk", user=None, login_url="x", reset_url="y")
    return message.id


def rows() -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_rolled_back_action_writes_no_row_and_sends_nothing(app, mailbox):
    with app.test_request_context(method="POST"):
        write()
        unit_of_work.rollback()
        assert rows() == []
    assert mailbox.messages == []


def test_a_committed_message_is_sent_with_its_own_message_id(app, mailbox):
    with app.test_request_context(method="POST"):
        message_id = write()
        unit_of_work.commit()
        (row,) = rows()
        assert row.id == message_id and row.status == OutboxStatus.SENT
        assert row.sent_at is not None and row.attempts == 1
    (sent,) = mailbox.to("reader@example.com")
    assert sent["Message-ID"] == row.message_id
    assert row.message_id.startswith("<") and row.message_id.endswith("@localhost>")


def test_a_crash_between_commit_and_enqueue_loses_nothing(app, mailbox):
    with app.test_request_context(method="POST"):
        write()
        db.session.commit()  # committed, but the process "dies" before enqueueing
        jobs.discard()
        assert mailbox.messages == []
        assert sweep_outbox.call_local() == 0  # young rows are left to their own job
        rows()[0].next_attempt_at = utcnow() - timedelta(minutes=2)
        db.session.commit()
        assert sweep_outbox.call_local() == 1
        assert rows()[0].status == OutboxStatus.SENT
    assert len(mailbox.to("reader@example.com")) == 1


def test_a_sent_message_is_never_sent_again(app, mailbox):
    with app.test_request_context(method="POST"):
        message_id = write()
        unit_of_work.commit()
        assert deliver_mail.call_local(message_id) is False
        row = rows()[0]
        row.next_attempt_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        assert sweep_outbox.call_local() == 0
    assert len(mailbox.to("reader@example.com")) == 1


def test_a_claimed_message_is_left_to_its_worker_until_the_claim_is_stale(app, mailbox):
    with app.test_request_context(method="POST"):
        message_id = write()
        db.session.commit()
        jobs.discard()
        row = rows()[0]
        row.claimed_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        assert deliver_mail.call_local(message_id) is False
        row = rows()[0]
        row.claimed_at = utcnow() - timedelta(minutes=11)
        db.session.commit()
        assert deliver_mail.call_local(message_id) is True
    assert len(mailbox.to("reader@example.com")) == 1


def test_the_sweep_takes_a_dead_workers_claim_without_the_grace(app_factory, mailbox):
    """A claimed row's job was taken from the queue: once the claim is stale nothing else will
    send it, so the sweep does not wait for the grace it gives young unclaimed rows."""
    app = app_factory(MAIL_CLAIM_STALE_SECONDS=5, MAIL_SWEEP_GRACE_SECONDS=30)
    with app.app_context():
        db.session.execute(db.delete(OutboxMessage))
        db.session.commit()
    with app.test_request_context(method="POST"):
        message_id = write()
        db.session.commit()
        jobs.discard()
        assert due_messages() == []  # young and unclaimed: left to its own job
        (row,) = rows()
        row.claimed_at = utcnow() - timedelta(seconds=2)
        db.session.commit()
        assert due_messages() == []  # its worker may still be talking to the SMTP server
        row.claimed_at = utcnow() - timedelta(seconds=6)
        db.session.commit()
        assert due_messages() == [message_id]  # that worker died: no grace to wait for
        row.claimed_at = None
        row.next_attempt_at = utcnow() - timedelta(seconds=31)
        db.session.commit()
        assert due_messages() == [message_id]  # unclaimed, past the grace
        assert sweep_outbox.call_local() == 1
    assert len(mailbox.to("reader@example.com")) == 1


def test_smtp_failures_back_off_then_fail(app_factory, mailbox):
    app = app_factory(MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=3, MAIL_RETRY_DELAY=30)
    with app.app_context():
        db.session.execute(db.delete(OutboxMessage))
        db.session.commit()
    with app.test_request_context(method="POST"):
        message_id = write()
        unit_of_work.commit()
        row = rows()[0]
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
        assert "Error" in row.last_error and row.claimed_at is None
        wait = (row.next_attempt_at - utcnow()).total_seconds()
        assert 25 < wait <= 30
        assert deliver_mail.call_local(message_id) is False  # not due yet: not even tried
        assert rows()[0].attempts == 1
        for attempts, delay in [(2, 60), (3, None)]:
            rows()[0].next_attempt_at = utcnow() - timedelta(seconds=1)
            db.session.commit()
            deliver_mail.call_local(message_id)
            unit_of_work.commit()
            row = rows()[0]
            assert row.attempts == attempts
            if delay:
                assert delay - 5 < (row.next_attempt_at - utcnow()).total_seconds() <= delay
        assert row.status == OutboxStatus.FAILED
    assert mailbox.messages == []


def test_a_real_consumer_delivers_from_the_sqlite_queue(queued_app, mailbox):
    with queued_app.test_request_context(method="POST"):
        write("worker@example.com")
        unit_of_work.commit()
    assert jobs.huey.pending_count() == 1
    assert mailbox.messages == []  # nothing was sent inside the "request"
    consumer = jobs.huey.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        deadline = time.monotonic() + 10
        while not mailbox.to("worker@example.com") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        consumer.stop(graceful=True)
    assert len(mailbox.to("worker@example.com")) == 1
    with queued_app.app_context():
        assert rows()[0].status == OutboxStatus.SENT


def test_workers_racing_for_one_message_send_it_once(app, mailbox):
    """Four workers get the same message's job at once (a retry and a sweep, say)."""
    import threading

    from app.mail.delivery import deliver

    with app.test_request_context(method="POST"):
        message_id = write("race@example.com")
        db.session.commit()
        jobs.discard()
    barrier, results = threading.Barrier(4), []

    def worker():
        with app.app_context():
            barrier.wait()
            results.append(deliver(message_id))
            db.session.commit()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(results) == [False, False, False, True]
    assert len(mailbox.to("race@example.com")) == 1


def test_sent_messages_are_forgotten_after_a_while_failed_ones_stay(app, mailbox):
    from app.mail.delivery import prune_outbox

    with app.test_request_context(method="POST"):
        old, recent, failed = write("old@example.com"), write("new@example.com"), write()
        unit_of_work.commit()
        db.session.get(OutboxMessage, old).sent_at = utcnow() - timedelta(days=31)
        row = db.session.get(OutboxMessage, failed)
        row.status, row.sent_at = OutboxStatus.FAILED, None
        db.session.commit()
        assert prune_outbox.call_local() == 1
        assert [r.id for r in rows()] == [recent, failed]


def test_a_message_smtp_cannot_carry_counts_as_a_failed_try(app, mailbox):
    with app.test_request_context(method="POST"):
        message_id = write("broken\nheader@example.com")
        unit_of_work.commit()
        row = db.session.get(OutboxMessage, message_id)
        assert row.status == OutboxStatus.PENDING and row.attempts == 1
        assert row.last_error and row.claimed_at is None
    assert mailbox.messages == []
