"""CSV enrolment: upload → preview (every row's outcome) → confirm → invitations."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.admin import bp
from app.admin.forms import ConfirmImportForm, SendInvitationsForm, UploadForm
from app.admin.routes._load import cohort_or_404
from app.cohorts import services as cohorts
from app.cohorts.policy import ensure_writable
from app.policy import Role, role_required
from app.reports.services import csv_lines
from app.unit_of_work import rollback

PREVIEW_ROWS = 100
PREVIEW_ERRORS = 500


@bp.route("/cohorts/<int:cohort_id>/enrol", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def upload_enrolment(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    ensure_writable(cohort)
    form = UploadForm()
    problem = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            preview = cohorts.preview_import(
                cohort, upload.stream, upload.filename or "", actor=current_user
            )
        except cohorts.FileProblem as exc:
            problem = cohorts.file_problem(exc.code, exc.details)
        else:
            return redirect(
                url_for("admin.enrolment_preview", cohort_id=cohort.id, token=preview.token)
            )
    status = 422 if problem or form.errors else 200
    return render_template("admin/enrol.html", cohort=cohort, form=form, problem=problem), status


def _load(cohort_id: int, token: str):
    cohort = cohort_or_404(cohort_id)
    preview = cohorts.find_import(cohort, token)
    if preview is None:
        abort(404)
    return cohort, preview


@bp.route("/cohorts/<int:cohort_id>/enrol/<token>")
@role_required(Role.ADMIN)
def enrolment_preview(cohort_id: int, token: str):
    cohort, preview = _load(cohort_id, token)
    rows = preview.rows or []
    errors = [r for r in rows if r[cohorts.OUTCOME] == cohorts.Outcome.ERROR]
    return render_template(
        "admin/import.html",
        cohort=cohort,
        preview=preview,
        rows=rows[:PREVIEW_ROWS],
        errors=errors[:PREVIEW_ERRORS],
        error_count=len(errors),
        confirm_form=ConfirmImportForm(),
        invite_form=SendInvitationsForm(),
        labels=cohorts,
        col=cohorts,
    )


@bp.route("/cohorts/<int:cohort_id>/enrol/<token>/confirm", methods=["POST"])
@role_required(Role.ADMIN)
def confirm_enrolment(cohort_id: int, token: str):
    cohort, preview = _load(cohort_id, token)
    if not ConfirmImportForm().validate_on_submit():
        abort(400)
    ensure_writable(cohort)
    here = url_for("admin.enrolment_preview", cohort_id=cohort.id, token=preview.token)
    try:
        applied = cohorts.confirm_import(preview, cohort, actor=current_user)
    except cohorts.ImportConflict as exc:
        rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.cohort", cohort_id=cohort.id))
    if not applied:
        flash(_("This file has already been imported; nothing was changed."), "info")
        return redirect(here)
    counts = preview.counts
    flash(
        _(
            "Done. New accounts: %(new)d. Existing accounts enrolled: %(existing)d.",
            new=counts.get("new", 0),
            existing=counts.get("existing", 0),
        ),
        "success",
    )
    return redirect(here)


@bp.route("/cohorts/<int:cohort_id>/enrol/<token>/invitations", methods=["POST"])
@role_required(Role.ADMIN)
def send_invitations(cohort_id: int, token: str):
    cohort, preview = _load(cohort_id, token)
    if not SendInvitationsForm().validate_on_submit() or preview.status != "confirmed":
        abort(400)
    sent = len(preview.pending_invites or [])
    cohorts.queue_invitations(preview)
    flash(
        ngettext(
            "%(num)d invitation is on its way.", "%(num)d invitations are on their way.", sent
        ),
        "success",
    )
    return redirect(url_for("admin.enrolment_preview", cohort_id=cohort.id, token=preview.token))


@bp.route("/cohorts/<int:cohort_id>/enrol/<token>/report.csv")
@role_required(Role.ADMIN)
def enrolment_report(cohort_id: int, token: str):
    """Every row with its outcome, for fixing the file in a spreadsheet."""
    _cohort, preview = _load(cohort_id, token)
    header = [_("Line"), _("Name"), _("Email"), _("Language"), _("Outcome"), _("Reason")]
    rows = [
        [
            r[cohorts.LINE],
            r[cohorts.NAME],
            r[cohorts.EMAIL],
            r[cohorts.LOCALE] or "",
            str(cohorts.OUTCOMES.get(r[cohorts.OUTCOME], r[cohorts.OUTCOME])),
            cohorts.reason(r[cohorts.REASON], r[cohorts.DETAIL]),
        ]
        for r in preview.rows or []
    ]
    return Response(
        stream_with_context(csv_lines(header, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="enrolment-{preview.id}.csv"'},
    )
