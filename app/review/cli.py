"""``flask review digest``: email each reviewer what is waiting in their cohorts. The queue's
scheduler sends it daily (app/review/jobs.py); this command sends one by hand."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from app.review.digest import send_digests
from app.review.jobs import once_per_day
from app.unit_of_work import commit

review = AppGroup("review", help="Reviewer tools.")


@review.command("digest")
@click.option("--force", is_flag=True, help="Send even if today's digest has been sent.")
def digest(force: bool) -> None:
    """Send every active reviewer with waiting work a summary in their language (once a day,
    shared with the scheduled job, unless --force)."""
    if not once_per_day("review.digest", date.today()) and not force:
        click.echo("today's digest has been sent already (--force sends it again)")
        return
    sent = send_digests()
    commit()
    click.echo(f"digest sent to {sent} reviewer(s)")
