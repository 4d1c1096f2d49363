"""``flask homework sweep``: remove screenshot files that no attempt refers to (left by a crash
between writing a file and rolling back); safe to run from cron. ``flask homework remind``:
the due-date reminders, now (ADR 0021)."""

import click
from flask.cli import AppGroup

from app import storage
from app.homework import reminders, services
from app.unit_of_work import commit

homework = AppGroup("homework", help="Homework maintenance.")


@homework.command("sweep")
@click.option("--older-than", default=3600, show_default=True, help="Seconds.")
def sweep(older_than: int) -> None:
    removed = storage.sweep_orphans(services.referenced_files(), older_than)
    click.echo(f"removed {len(removed)} orphan file(s)")


@homework.command("remind")
def remind() -> None:
    """Send the due-date reminders now (the queue's scheduler does it hourly): whoever has
    homework due within 48 hours and has not handed it in, once per due date."""
    sent = reminders.send_due_reminders()
    commit()
    click.echo(f"reminded {sent} student(s)")
