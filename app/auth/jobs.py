"""Account jobs: the password-reset mail, written outside the request that asked for it."""

from __future__ import annotations

from app import mail
from app.auth import tokens
from app.auth.models import User
from app.extensions import db
from app.jobs import huey
from app.links import external_url
from app.unit_of_work import in_app_context


def write_password_reset(user_id: int | None) -> None:
    """The reset mail for an active account (an outbox row); nothing for anyone else."""
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


@huey.task(name="auth.password_reset")
@in_app_context
def send_password_reset(user_id: int | None) -> None:
    write_password_reset(user_id)
