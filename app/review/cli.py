"""``flask review digest``: email each reviewer what is waiting in their cohorts. The queue's
scheduler sends it daily (app/review/jobs.py); this command sends one by hand."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.review.digest import send_digests
from app.unit_of_work import commit

review = AppGroup("review", help="Reviewer tools.")


@review.command("digest")
def digest() -> None:
    """Send every active reviewer with waiting work a summary in their language."""
    sent = send_digests()
    commit()
    click.echo(f"digest sent to {sent} reviewer(s)")
