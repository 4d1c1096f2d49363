"""Announcement emails, sent from the queue (ADR 0017) in batches of ``MAIL_BATCH`` students,
each batch its own unit of work with its cursor: a failure loses at most the batch it was in,
and a retry goes on after the last committed batch (nobody is emailed twice)."""

from __future__ import annotations

from app.jobs import huey
from app.teaching.announcements import mail_batch
from app.teaching.at_risk import mail_nudges
from app.unit_of_work import in_app_context

MAIL_BATCH = 200


@in_app_context
def _send_batch(announcement_id: int) -> int:
    return mail_batch(announcement_id, MAIL_BATCH)


@huey.task(name="teaching.announcement", retries=5, retry_delay=60)
def send_announcement(announcement_id: int) -> int:
    """Email the announcement to every student of its cohort not emailed yet; how many."""
    done = 0
    while taken := _send_batch(announcement_id):
        done += taken
    return done


@huey.task(name="teaching.nudges", retries=5, retry_delay=60)
@in_app_context
def send_nudges(nudge_ids: list[int]) -> int:
    """Email one batch of nudges (a retry skips the ones already emailed)."""
    return mail_nudges(nudge_ids)
