"""Account jobs: the password-reset mail, written outside the request that asked for it."""

from __future__ import annotations

from app.auth.services import write_password_reset
from app.jobs import huey, in_app_context


@huey.task(name="auth.password_reset")
@in_app_context
def send_password_reset(user_id: int | None) -> None:
    write_password_reset(user_id)
