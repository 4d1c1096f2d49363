"""Password-reset requests, kept until their mail is written (ADR 0017).

``/forgot-password`` writes one :class:`PasswordResetRequest` in its own transaction, whoever
asked, and enqueues a job with its id at commit. The job claims the row and writes the reset
mail's outbox row in one transaction: a worker that dies anywhere before that commit leaves the
request unprocessed, and the per-minute sweep runs it again; after the commit, the outbox
delivers the mail (and sweeps it too). Claiming is one conditional UPDATE, so a request run
twice (a retry, the sweep, a redelivered job) writes one mail.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from flask import current_app
from sqlalchemy import CursorResult, delete, select, update

from app import mail
from app.auth import tokens
from app.auth.models import PasswordResetRequest, User
from app.db import utcnow
from app.extensions import db
from app.links import external_url

if TYPE_CHECKING:
    from sqlalchemy.sql.dml import Delete, Update


def _rowcount(statement: Update | Delete) -> int:
    return cast("CursorResult[Any]", db.session.execute(statement)).rowcount


def add_request(user_id: int | None) -> PasswordResetRequest:
    """Write the request (``user_id`` None for an unknown or deactivated address), in the
    caller's transaction; flushed, so it has an id for its job."""
    reset = PasswordResetRequest(user_id=user_id, created_at=utcnow())
    db.session.add(reset)
    db.session.flush()
    return reset


def process(request_id: int) -> bool:
    """Mark the request processed and write its mail (none without an active account), in the
    caller's transaction: both are committed or neither is. False if it was processed already
    (or is gone): another run got there first."""
    claimed = _rowcount(
        update(PasswordResetRequest)
        .where(PasswordResetRequest.id == request_id, PasswordResetRequest.processed_at.is_(None))
        .values(processed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not claimed:
        return False
    user_id = db.session.scalar(
        select(PasswordResetRequest.user_id).where(PasswordResetRequest.id == request_id)
    )
    write_mail(user_id)
    return True


def write_mail(user_id: int | None) -> None:
    """The reset mail for an active account (an outbox row); nothing for anyone else (the
    account may have been deactivated since it asked)."""
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        return
    token = tokens.make(
        tokens.RESET, {"u": user.id, "h": tokens.password_fingerprint(user.password_hash)}
    )
    mail.queue(
        user.email,
        "reset_password",
        user.locale,
        user=user,
        url=external_url("auth.reset_password", token=token),
    )


def sweep_grace() -> timedelta:
    """Requests this young are left to the job enqueued at their commit (the outbox's grace,
    ``MAIL_SWEEP_GRACE_SECONDS``)."""
    return timedelta(seconds=current_app.config["MAIL_SWEEP_GRACE_SECONDS"])


def unprocessed(limit: int = 500) -> list[int]:
    """Requests whose job is lost (a crash between commit and enqueue, or a worker that died
    with the job taken), oldest first."""
    return list(
        db.session.scalars(
            select(PasswordResetRequest.id)
            .where(
                PasswordResetRequest.processed_at.is_(None),
                PasswordResetRequest.created_at <= utcnow() - sweep_grace(),
            )
            .order_by(PasswordResetRequest.created_at, PasswordResetRequest.id)
            .limit(limit)
        )
    )


def prune() -> int:
    """Forget requests older than ``PASSWORD_RESET_KEEP_DAYS``; how many. An unprocessed one
    that old failed every sweep since: it is logged, then dropped with the rest."""
    before = utcnow() - timedelta(days=current_app.config["PASSWORD_RESET_KEEP_DAYS"])
    old = PasswordResetRequest.created_at < before
    stuck = _rowcount(
        delete(PasswordResetRequest).where(old, PasswordResetRequest.processed_at.is_(None))
    )
    if stuck:
        current_app.logger.warning(
            "dropped %d password reset request(s) that no job could process", stuck
        )
    return stuck + _rowcount(delete(PasswordResetRequest).where(old))
