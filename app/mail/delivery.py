"""Delivering the outbox: a job per message, retries with exponential backoff, and a sweep.

At least once, never twice on purpose: a worker claims a row (an UPDATE that only one worker can
win), commits the claim, sends, then marks the row sent. A row already sent is never sent again.
A worker that dies between sending and marking leaves a stale claim; the sweep sends the message
again, with the same Message-ID, so the receiving side can tell it is one message.
"""

from __future__ import annotations

import smtplib
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from flask import current_app
from huey import crontab
from sqlalchemy import CursorResult

from app import metrics
from app.db import utcnow
from app.extensions import db
from app.jobs import huey, on_commit
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.sending import send
from app.unit_of_work import in_app_context

if TYPE_CHECKING:
    from sqlalchemy.sql.dml import Delete, Update


def stale_claim() -> timedelta:
    """A claim older than this is a worker that died mid-send (``MAIL_CLAIM_STALE_SECONDS``;
    SMTP has its own, shorter, timeout)."""
    return timedelta(seconds=current_app.config["MAIL_CLAIM_STALE_SECONDS"])


def sweep_grace() -> timedelta:
    """The sweep leaves unclaimed rows this young to the job enqueued at their commit."""
    return timedelta(seconds=current_app.config["MAIL_SWEEP_GRACE_SECONDS"])


def _rowcount(statement: Update | Delete) -> int:
    """Run an UPDATE or DELETE; how many rows it matched (a CursorResult's count, which
    SQLAlchemy's types do not show on ``Session.execute``)."""
    return cast("CursorResult[Any]", db.session.execute(statement)).rowcount


def claim(message_id: int) -> OutboxMessage | None:
    """Take the row for this worker, or None if it is sent, failed, not due or claimed."""
    now = utcnow()
    claimed = _rowcount(
        db.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            db.or_(
                OutboxMessage.claimed_at.is_(None),
                OutboxMessage.claimed_at < now - stale_claim(),
            ),
        )
        .values(claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if not claimed:
        return None
    db.session.commit()  # the claim is visible to other workers before the (slow) send
    return db.session.get(OutboxMessage, message_id, populate_existing=True)


def deliver(message_id: int) -> bool:
    """Send one outbox message if it is due and unclaimed; True if it was sent now."""
    message = claim(message_id)
    if message is None:
        return False
    try:
        send(message)
    except (OSError, smtplib.SMTPException, ValueError) as error:
        # Refused, unreachable, or a message SMTP cannot carry: counted against its tries.
        _failed(message, error)
        return False
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.claimed_at = None
    message.last_error = None
    metrics.MAIL_SENT.inc()
    return True


def _failed(message: OutboxMessage, error: Exception) -> None:
    metrics.MAIL_FAILURES.labels(type(error).__name__).inc()
    config = current_app.config
    message.claimed_at = None
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.FAILED
        current_app.logger.error(
            "mail %s to %s failed %d times, giving up: %s",
            message.message_id,
            message.to_address,
            message.attempts,
            message.last_error,
        )
        return
    delay = config["MAIL_RETRY_DELAY"] * 2 ** (message.attempts - 1)
    message.next_attempt_at = utcnow() + timedelta(seconds=delay)
    current_app.logger.warning(
        "mail %s to %s failed (attempt %d), retrying in %ds: %s",
        message.message_id,
        message.to_address,
        message.attempts,
        delay,
        message.last_error,
    )
    on_commit(deliver_mail, message.id, delay=delay)


def due_messages(now=None) -> list[int]:
    """Pending rows nobody is handling: unclaimed and past their grace (or backoff), or claimed
    by a worker that died (its job was taken from the queue: no grace to wait for)."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            db.select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                db.or_(
                    db.and_(
                        OutboxMessage.claimed_at.is_(None),
                        OutboxMessage.next_attempt_at <= now - sweep_grace(),
                    ),
                    db.and_(
                        OutboxMessage.claimed_at < now - stale_claim(),
                        OutboxMessage.next_attempt_at <= now,
                    ),
                ),
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(500)
        )
    )


def retry(message: OutboxMessage) -> None:
    """An admin asks for a failed (or stuck) message to be tried again, from a fresh count."""
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.claimed_at = None
    message.next_attempt_at = utcnow()
    db.session.flush()
    on_commit(deliver_mail, message.id)


@huey.task(name="mail.deliver")
@in_app_context
def deliver_mail(message_id: int) -> bool:
    return deliver(message_id)


@huey.periodic_task(crontab(minute="*"), name="mail.sweep")
@huey.lock_task("mail.sweep")
@in_app_context
def sweep_outbox() -> int:
    """Deliver what a crash (between commit and enqueue, or mid-send) left behind."""
    sent = 0
    for message_id in due_messages():
        sent += deliver(message_id)
        db.session.commit()
    return sent


def undelivered(limit: int = 200) -> list[OutboxMessage]:
    """What admins watch: failed messages first, then the pending ones, oldest first."""
    failed_first = db.case((OutboxMessage.status == OutboxStatus.FAILED, 0), else_=1)
    return list(
        db.session.scalars(
            db.select(OutboxMessage)
            .where(OutboxMessage.status != OutboxStatus.SENT)
            .order_by(failed_first, OutboxMessage.created_at, OutboxMessage.id)
            .limit(limit)
        )
    )


@huey.periodic_task(crontab(minute="30", hour="3"), name="mail.prune")
@huey.lock_task("mail.prune")
@in_app_context
def prune_outbox() -> int:
    """Forget sent messages after ``MAIL_KEEP_SENT_DAYS`` (failed ones stay for the admins)."""
    before = utcnow() - timedelta(days=current_app.config["MAIL_KEEP_SENT_DAYS"])
    return _rowcount(
        db.delete(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.sent_at < before
        )
    )
