"""``flask courses validate PATH``, ``flask courses import PATH`` (see courses/FORMAT.md) and
``flask courses render-videos PATH`` (narrated videos, ADR 0020)."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.learning.content import LANGS
from app.learning.content.importer import import_course
from app.learning.content.spec import PIECES, CourseSpec, read_course
from app.unit_of_work import commit

courses = AppGroup("courses", help="Check and import course folders (courses/FORMAT.md).")

FOLDER = click.Path(exists=True, file_okay=False, path_type=Path)


def coverage_table(spec: CourseSpec) -> list[str]:
    """Module × piece, each cell ``kk ru en`` as ✓ (present) or – (falls back)."""
    width = max([len("module"), *(len(folder) for folder in spec.coverage)]) + 2
    lines = [
        " " * width + "".join(f"{piece:<10}" for piece in PIECES).rstrip(),
        "module".ljust(width) + "".join(f"{' '.join(LANGS):<10}" for _ in PIECES).rstrip(),
    ]
    for folder, pieces in spec.coverage.items():
        cells = (
            " ".join(f"{'✓' if lang in pieces[p] else '–':<2}" for lang in LANGS) for p in PIECES
        )
        lines.append(folder.ljust(width) + "".join(f"{cell:<10}" for cell in cells).rstrip())
    return lines


def _report(spec: CourseSpec) -> None:
    for problem in spec.problems:
        click.echo(str(problem))
    errors, warnings = len(spec.errors), len(spec.warnings)
    click.echo(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    if spec.glossary_hits:
        hits = spec.glossary_hits
        click.echo(
            f"{hits} use{'s' * (hits != 1)} of forms the glossary avoids (among the warnings)"
        )


def _coverage(spec: CourseSpec) -> None:
    if spec.coverage:
        click.echo("\nLanguages per module (✓ present, – falls back kk → ru → en):")
        for line in coverage_table(spec):
            click.echo(line)


@courses.command("validate")
@click.argument("path", type=FOLDER)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 on any).")
@click.pass_context
def validate_command(ctx: click.Context, path: Path, strict: bool) -> None:
    """Check the course folder PATH without writing anything; exit 1 if it has errors (or,
    with --strict, warnings)."""
    spec = read_course(path)
    _report(spec)
    _coverage(spec)
    if spec.errors or (strict and spec.warnings):
        ctx.exit(1)


@courses.command("import")
@click.argument("path", type=FOLDER)
@click.pass_context
def import_command(ctx: click.Context, path: Path) -> None:
    """Validate, then import the course folder PATH in one transaction."""

    spec = read_course(path)
    _report(spec)
    if spec.errors:
        click.echo("not imported: fix the errors above first")
        ctx.exit(1)
    result = import_course(spec, echo=click.echo)
    commit()
    click.echo(f"\nimported {spec.slug} (course id {result.course_id}):")
    for line in result.summary():
        click.echo(f"  {line}")
    _coverage(spec)


@courses.command("render-videos")
@click.argument("path", type=FOLDER)
@click.option("--module", "folders", multiple=True, help="Only this module folder (repeatable).")
@click.option(
    "--language", "languages", multiple=True, type=click.Choice(LANGS), help="Only this language."
)
@click.option("--force", is_flag=True, help="Make the videos again even if nothing changed.")
@click.pass_context
def render_videos_command(
    ctx: click.Context,
    path: Path,
    folders: tuple[str, ...],
    languages: tuple[str, ...],
    force: bool,
) -> None:
    """Narrate each module of the course folder PATH with a synthetic voice: an MP4 per module
    and language under MEDIA_WORK_DIR, and the captions re-timed to it (written back to PATH).
    A module with a real recording in module.yaml is left alone."""
    # Imported by this command only: every web worker registers the command group, and the
    # narration brings Pillow (issue 19, a worker's memory).
    from app.learning.narration import render_course
    from app.learning.narration.speech import SpeechError
    from app.learning.narration.video import VideoError

    spec = read_course(path)
    if spec.errors:
        _report(spec)
        click.echo("not rendered: fix the errors above first")
        ctx.exit(1)
    unknown = set(folders) - {module.folder for module in spec.modules}
    if unknown:
        raise click.BadParameter(f"no such module folder: {', '.join(sorted(unknown))}")
    work_dir = Path(current_app.config["MEDIA_WORK_DIR"])
    began = time.monotonic()
    try:
        outcomes = render_course(
            spec,
            work_dir,
            folders=folders,
            languages=languages,
            force=force,
            echo=click.echo,
            after_each=lambda _made: commit(),  # each video's transcoding starts at once
        )
    except (SpeechError, VideoError) as exc:
        raise click.ClickException(str(exc)) from exc
    made = sum(outcome.status == "rendered" for outcome in outcomes)
    click.echo(
        f"{made} of {len(outcomes)} videos made in {time.monotonic() - began:.1f} s "
        f"(in {work_dir / 'narrated' / spec.slug})"
    )
    if any(outcome.captions_changed for outcome in outcomes):
        click.echo(f"captions re-timed: import the course again (flask courses import {path})")
