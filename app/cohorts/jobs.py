"""The invitations of a confirmed enrolment import, sent from the queue (ADR 0017).

Confirming an import enqueues one job; it takes the waiting accounts ``ENROL_INVITE_BATCH`` at
a time, each batch its own unit of work (its outbox rows and its progress committed together),
so the import's page shows the count growing and a failure loses at most the batch it was in.
A failed batch is retried from where the last committed one stopped: no invitation twice.
"""

from __future__ import annotations

from app.cohorts.invitations import invite_batch, send_invitation_batch
from app.jobs import huey
from app.unit_of_work import in_app_context


@in_app_context
def _send_batch(import_id: int) -> int:
    return send_invitation_batch(import_id, invite_batch())


@huey.task(name="cohorts.invitations", retries=5, retry_delay=60)
def send_import_invitations(import_id: int) -> int:
    """Send every invitation still waiting in the import; how many accounts it went through."""
    done = 0
    while taken := _send_batch(import_id):
        done += taken
    return done
