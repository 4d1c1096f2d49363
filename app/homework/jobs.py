"""Homework's scheduled jobs: the daily upload sweep (at 04:00 UTC, under a lock, as the
digest) removes stored files no homework refers to, left by a crash between writing and
rolling back (``flask homework sweep`` does the same by hand); the hourly due-date reminders
(ADR 0021)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from huey import crontab

from app import storage
from app.db import utcnow
from app.homework import reminders, services
from app.jobs import huey
from app.unit_of_work import in_app_context


@huey.periodic_task(crontab(minute="0", hour="4"), name="homework.sweep")
@huey.lock_task("homework.sweep")
@in_app_context
def sweep_uploads() -> int:
    removed = storage.sweep_orphans(services.referenced_files())
    current_app.logger.info("upload sweep removed %d orphan file(s)", len(removed))
    return len(removed)


def once_per_hour(name: str, hour: datetime) -> bool:
    """Take ``name``'s key for this hour in the queue's storage; False if taken already."""
    return huey.put_if_empty(f"{name}:{hour:%Y-%m-%dT%H}", "1")


@huey.periodic_task(crontab(minute="5"), name="homework.reminders")
@huey.lock_task("homework.reminders")
@in_app_context
def due_reminders(now: datetime | None = None) -> int | None:
    """Remind students 48 hours before their due dates; once an hour however many consumers
    run a scheduler (the hour's key), and once per student and due date whatever happens (the
    reminder rows' unique key: a run that overlaps another, or repeats, sends nothing twice)."""
    now = now or utcnow()
    if not once_per_hour("homework.reminders", now):
        current_app.logger.info("due-date reminders for %s already sent", f"{now:%Y-%m-%d %H}h")
        return None
    sent = reminders.send_due_reminders(now)
    current_app.logger.info("due-date reminders: %d student(s) reminded", sent)
    return sent
