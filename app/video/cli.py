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
            click.echo(_line(entry))


def _line(entry: services.LanguageStatus) -> str:
    line = f"  {entry.language}: {entry.state}"
    job = entry.job
    if job is not None and entry.state in ("queued", "running"):
        line += f" {job.progress}% ({job.origin})"
    if job is not None and entry.state == "failed":
        line += f" — {services.error_message(job.error)} {job.detail or ''}".rstrip()
    published = entry.video
    if published is not None and published.sha256:
        sizes = ", ".join(f"{r.kind} {r.size // 1024} KB" for r in entry.renditions)
        line = line.removesuffix(" published") + (";" if entry.state != "published" else "")
        line += f" published from {published.origin}, {published.duration or 0:.0f} s: {sizes}"
    return line
