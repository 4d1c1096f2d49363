"""The digest on the queue's scheduler: every day at 07:00 UTC, once per day however many
consumers run a scheduler (the first to take the day's key in the queue's storage sends it)."""

from __future__ import annotations

from datetime import date

from flask import current_app
from huey import crontab

from app.jobs import huey
from app.review.digest import send_digests
from app.unit_of_work import in_app_context


def once_per_day(name: str, day: date) -> bool:
    """Take ``name``'s key for ``day`` in the queue's storage; False if it was taken already."""
    return huey.put_if_empty(f"{name}:{day.isoformat()}", "1")


@huey.periodic_task(crontab(minute="0", hour="7"), name="review.digest")
@in_app_context
def daily_digest(day: date | None = None) -> int | None:
    """Send the digest unless today's has been sent (by another worker, or by hand)."""
    day = day or date.today()
    if not once_per_day("review.digest", day):
        current_app.logger.info("review digest for %s already sent", day)
        return None
    return send_digests()
