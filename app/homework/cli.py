"""``flask homework sweep``: remove screenshot files that no attempt refers to (left by a crash
between writing a file and rolling back); safe to run from cron."""

import click
from flask.cli import AppGroup

from app import storage
from app.homework import services

homework = AppGroup("homework", help="Homework maintenance.")


@homework.command("sweep")
@click.option("--older-than", default=3600, show_default=True, help="Seconds.")
def sweep(older_than: int) -> None:
    removed = storage.sweep_orphans(services.referenced_files(), older_than)
    click.echo(f"removed {len(removed)} orphan file(s)")
