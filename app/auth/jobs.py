"""Account jobs: the password-reset mail, written outside the request that asked for it, and
the sweep and prune of the requests (app/auth/password_resets.py, ADR 0017)."""

from __future__ import annotations

from flask import current_app
from huey import crontab

from app import unit_of_work
from app.auth import password_resets
from app.jobs import huey
from app.unit_of_work import in_app_context


@huey.task(name="auth.password_reset_request")
@in_app_context
def send_password_reset(request_id: int) -> bool:
    """Write the mail of one reset request (none for no account); False if already done."""
    return password_resets.process(request_id)


@huey.periodic_task(crontab(minute="*"), name="auth.password_reset_sweep")
@huey.lock_task("auth.password_reset_sweep")
@in_app_context
def sweep_password_resets() -> int:
    """Process the requests a lost job left behind, each in its own unit of work; how many."""
    done = 0
    for request_id in password_resets.unprocessed():
        try:
            done += password_resets.process(request_id)
        except Exception:
            # One request that cannot be processed must not hold back the others.
            unit_of_work.rollback()
            current_app.logger.exception("password reset request %d failed", request_id)
            continue
        unit_of_work.commit()
    return done


@huey.periodic_task(crontab(minute="40", hour="3"), name="auth.password_reset_prune")
@huey.lock_task("auth.password_reset_prune")
@in_app_context
def prune_password_resets() -> int:
    return password_resets.prune()
