"""The daily upload sweep on the queue's scheduler (at 04:00 UTC, under a lock, as the digest):
remove stored files no homework refers to, left by a crash between writing and rolling back.
``flask homework sweep`` does the same by hand."""

from __future__ import annotations

from flask import current_app
from huey import crontab

from app import storage
from app.homework import services
from app.jobs import huey
from app.unit_of_work import in_app_context


@huey.periodic_task(crontab(minute="0", hour="4"), name="homework.sweep")
@huey.lock_task("homework.sweep")
@in_app_context
def sweep_uploads() -> int:
    removed = storage.sweep_orphans(services.referenced_files())
    current_app.logger.info("upload sweep removed %d orphan file(s)", len(removed))
    return len(removed)
