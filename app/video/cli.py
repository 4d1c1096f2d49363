"""``flask video status``: every module's video per language, its state and renditions."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.learning.content import LANGS
from app.video import services

video = AppGroup("video", help="Module videos: sources, transcoding, renditions.")


@video.command("status")
def status_command() -> None:
    """Print each module's video per language: published, queued, running or failed."""
    if not services.ffmpeg_available():
        click.echo("ffmpeg is not installed: videos cannot be processed (apt-get install ffmpeg)")
    rows = services.course_modules()
    if not rows:
        click.echo("no courses imported")
    for course, module in rows:
        click.echo(f"{course.slug}/{module.slug}")
        for entry in services.module_status(module.id, LANGS):
            line = f"  {entry.language}: {entry.state}"
            if entry.job is not None and entry.state in ("queued", "running"):
                line += f" {entry.job.progress}% ({entry.job.origin})"
            if entry.state == "failed" and entry.job is not None:
                line += f" — {services.error_message(entry.job.error)} {entry.job.detail or ''}"
            if entry.video is not None and entry.video.sha256:
                sizes = ", ".join(f"{r.kind} {r.size // 1024} KB" for r in entry.renditions)
                line += (
                    f"; published {entry.video.origin} {entry.video.duration or 0:.0f} s: {sizes}"
                )
            click.echo(line.rstrip())
