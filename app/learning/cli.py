"""``flask courses validate PATH`` and ``flask courses import PATH`` (see courses/FORMAT.md)."""

from __future__ import annotations

from pathlib import Path

import click
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
