"""``flask cohorts``: cohorts from the command line (the admin screens do the same)."""

from __future__ import annotations

import os
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from app.cohorts import enrolment, invitations, labels, services, summary
from app.cohorts.models import Cohort, Enrolment, EnrolmentImport
from app.cohorts.policy import ensure_writable
from app.extensions import db
from app.languages import LANGUAGES
from app.learning import services as learning
from app.learning.models import Course
from app.unit_of_work import commit

cohorts = AppGroup("cohorts", help="Create cohorts and enrol students.")


def _date(_ctx, _param, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("use YYYY-MM-DD") from exc


@cohorts.command("create")
@click.option("--course", "course_slug", required=True, help="The course's slug.")
@click.option("--name", required=True)
@click.option("--starts", callback=_date, help="YYYY-MM-DD")
@click.option("--ends", callback=_date, help="YYYY-MM-DD")
@click.option("--locale", type=click.Choice(LANGUAGES), default=LANGUAGES[0])
@click.option("--open-all", is_flag=True, help="Open every module at once.")
def create(course_slug: str, name: str, starts, ends, locale: str, open_all: bool) -> None:
    """Create a cohort and print its invite link."""
    course = db.session.scalar(db.select(Course).where(Course.slug == course_slug))
    if course is None:
        raise click.ClickException(f"no course {course_slug!r}; import it first")
    if ends and starts and ends < starts:
        raise click.ClickException("the end date is before the start date")
    cohort = services.create_cohort(
        course, name, starts_on=starts, ends_on=ends, default_locale=locale, sequential=not open_all
    )
    commit()
    click.echo(
        f"cohort {cohort.id} {cohort.name!r}: invite link "
        f"{current_app.config['BASE_URL']}/join/{cohort.invite_code}"
    )


@cohorts.command("enrol")
@click.argument("cohort_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Import without asking after the preview.")
@click.option(
    "--no-invite",
    is_flag=True,
    help="Do not email the invitations now (`flask cohorts send-invitations` sends them).",
)
def enrol_command(cohort_id: int, file: str, yes: bool, no_invite: bool) -> None:
    """Enrol the students listed in FILE (CSV: name, email, language) into COHORT_ID.

    The file is checked first and every row's outcome shown; nothing is written until you
    confirm. New accounts get an invitation email in their language, sent by the job queue."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise click.ClickException(f"no cohort {cohort_id}")
    try:
        ensure_writable(cohort)
    except services.CohortArchived as exc:
        raise click.ClickException("the cohort is archived") from exc
    with open(file, "rb") as stream:
        size = os.path.getsize(file) or 1
        with click.progressbar(length=size, label="checking") as bar:

            def advance(_rows: int) -> None:
                bar.update(stream.tell() - bar.pos)

            try:
                preview = enrolment.preview_import(
                    cohort, stream, os.path.basename(file), actor=None, progress=advance
                )
            except enrolment.FileProblem as exc:
                raise click.ClickException(labels.file_problem(exc.code, exc.details)) from exc
            bar.update(size - bar.pos)
    counts = preview.counts
    click.echo(
        f"{counts['total']} rows: {counts['new']} new accounts, {counts['existing']} existing "
        f"accounts, {counts['enrolled']} already enrolled, {counts['error']} errors"
    )
    errors = [r for r in preview.rows if r[enrolment.OUTCOME] == enrolment.Outcome.ERROR]
    for row in errors[:50]:
        reason = labels.reason(row[enrolment.REASON], row[enrolment.DETAIL])
        click.echo(f"  line {row[enrolment.LINE]}: {row[enrolment.EMAIL]!r}: {reason}")
    if len(errors) > 50:
        click.echo(f"  ... and {len(errors) - 50} more")
    if not (counts["new"] or counts["existing"]):
        db.session.rollback()
        click.echo("nothing to import")
        return
    if not yes and not click.confirm("Import the rows without errors?"):
        db.session.rollback()
        click.echo("nothing changed")
        return
    try:
        enrolment.confirm_import(preview, cohort, actor=None, invite=not no_invite)
    except enrolment.ImportConflict as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    commit()
    click.echo(f"enrolled {counts['new'] + counts['existing']} students")
    if counts["new"] and not no_invite:
        click.echo(f"{counts['new']} invitations are queued")


def _send_invitations(import_id: int) -> None:
    """Send the import's waiting invitations here, batch by batch (what its job does)."""
    preview = db.session.get(EnrolmentImport, import_id)
    with click.progressbar(length=len(preview.pending_invites), label="inviting") as bar:
        while taken := invitations.send_invitation_batch(import_id, invitations.invite_batch()):
            commit()
            bar.update(taken)


@cohorts.command("send-invitations")
def send_invitations_command() -> None:
    """Send every invitation still waiting from confirmed enrolment files."""
    waiting = db.session.scalars(
        db.select(EnrolmentImport.id)
        .where(EnrolmentImport.status == "confirmed")
        .order_by(EnrolmentImport.id)
    ).all()
    for import_id in waiting:
        preview = db.session.get(EnrolmentImport, import_id)
        if preview.pending_invites:
            _send_invitations(import_id)
    click.echo("done")


@cohorts.command("recount")
@click.option("--cohort", "cohort_id", type=int, help="Only this cohort (default: every one).")
def recount(cohort_id: int | None) -> None:
    """Derive each enrolment's progress summary (modules complete, last activity) and each
    progress row's count of quiz attempts again from the progress, quiz and homework tables: a
    repair after rows were changed by hand."""
    summary.recount(*([Enrolment.cohort_id == cohort_id] if cohort_id else []))
    students = db.select(Enrolment.user_id).where(Enrolment.cohort_id == cohort_id)
    learning.recount_quiz_attempts(students if cohort_id else None)
    commit()
    click.echo("recounted " + (f"cohort {cohort_id}" if cohort_id else "every cohort"))
