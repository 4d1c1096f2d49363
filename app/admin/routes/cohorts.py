"""Cohorts: list, create, edit, invite link, archive, reviewers."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.admin import bp, queries, services
from app.admin.forms import (
    ArchiveForm,
    CohortForm,
    InviteForm,
    RemoveReviewerForm,
    ReviewerForm,
    UploadForm,
)
from app.admin.links import invite_url
from app.admin.routes._load import cohort_or_404
from app.cohorts import services as cohorts
from app.cohorts.policy import ensure_writable
from app.learning.content import pick
from app.policy import Role, role_required


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    archived = request.args.get("archived", "")
    if archived not in ("", "1"):
        abort(400)
    rows = services.cohort_list(archived=bool(archived))
    return render_template("admin/index.html", rows=rows, archived=bool(archived))


def _course_choices(form: CohortForm) -> None:
    locale = str(get_locale())
    form.course.choices = [(c.id, str(pick(c.title, locale))) for c in queries.courses()]


@bp.route("/cohorts/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_cohort():
    form = CohortForm()
    _course_choices(form)
    if not form.course.choices:
        flash(_("Import a course first (flask courses import)."), "error")
    if form.validate_on_submit():
        cohort = cohorts.create_cohort(
            queries.course(form.course.data),
            form.name.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            default_locale=form.default_locale.data,
            sequential=form.sequential.data == "1",
        )
        flash(_("The group has been created."), "success")
        return redirect(url_for("admin.cohort", cohort_id=cohort.id))
    return render_template("admin/cohort_form.html", form=form, cohort=None)


@bp.route("/cohorts/<int:cohort_id>")
@role_required(Role.ADMIN)
def cohort(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    imports = cohorts.recent_imports(cohort.id)
    return render_template(
        "admin/cohort.html",
        cohort=cohort,
        invite_url=invite_url(cohort),
        reviewers=services.reviewers_of(cohort),
        imports=imports,
        students=cohorts.student_count(cohort.id),
        invite_form=InviteForm(),
        archive_form=ArchiveForm(),
        reviewer_form=ReviewerForm(),
        remove_form=RemoveReviewerForm(),
        upload_form=UploadForm(),
    )


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_cohort(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    ensure_writable(cohort)
    form = CohortForm(obj=cohort)
    del form.course  # a cohort keeps its course
    if request.method == "GET":
        form.sequential.data = "1" if cohort.sequential else "0"
        form.loaded.data = cohorts.settings_fingerprint(cohort)
    if form.validate_on_submit():
        try:
            cohorts.update_cohort(
                cohort,
                name=form.name.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                default_locale=form.default_locale.data,
                sequential=form.sequential.data == "1",
                loaded=form.loaded.data,
            )
        except cohorts.CohortChanged as exc:
            # Keep what this admin typed; a second save knowingly replaces the other's edit.
            form.loaded.data = cohorts.settings_fingerprint(cohort)
            form.name.errors = [*form.name.errors, str(exc)]
            return render_template("admin/cohort_form.html", form=form, cohort=cohort), 409
        flash(_("The group has been saved."), "success")
        return redirect(url_for("admin.cohort", cohort_id=cohort.id))
    return render_template("admin/cohort_form.html", form=form, cohort=cohort)


@bp.route("/cohorts/<int:cohort_id>/invite", methods=["POST"])
@role_required(Role.ADMIN)
def invite(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    form = InviteForm()
    if not form.validate_on_submit():
        abort(400)
    ensure_writable(cohort)
    if form.action.data == "regenerate":
        cohorts.regenerate_invite(cohort)
        flash(_("A new invite link has been made; the old one no longer works."), "success")
    else:
        cohorts.set_invite_open(cohort, form.action.data == "open")
        if form.action.data == "open":
            flash(_("The invite link is open."), "success")
        else:
            flash(_("The invite link is closed."), "success")
    return redirect(url_for("admin.cohort", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/archive", methods=["POST"])
@role_required(Role.ADMIN)
def archive_cohort(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    ensure_writable(cohort)
    form = ArchiveForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm that the group becomes read-only."), "error")
        return redirect(url_for("admin.cohort", cohort_id=cohort.id))
    cohorts.archive_cohort(cohort)
    flash(_("The group is archived. It stays in the reports."), "success")
    return redirect(url_for("admin.cohort", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/reviewers", methods=["POST"])
@role_required(Role.ADMIN)
def assign_reviewer(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    form = ReviewerForm()
    ensure_writable(cohort)
    if form.validate_on_submit():
        try:
            user = services.assign_reviewer_by_email(cohort, form.email.data)
        except services.AdminError as exc:
            flash(str(exc), "error")
        else:
            flash(_("%(name)s now reviews this group.", name=user.name), "success")
    else:
        flash(_("Enter the reviewer's email address."), "error")
    return redirect(url_for("admin.cohort", cohort_id=cohort.id) + "#reviewers")


@bp.route("/cohorts/<int:cohort_id>/reviewers/<int:user_id>/remove", methods=["POST"])
@role_required(Role.ADMIN)
def remove_reviewer(cohort_id: int, user_id: int):
    cohort = cohort_or_404(cohort_id)
    if not RemoveReviewerForm().validate_on_submit():
        abort(400)
    ensure_writable(cohort)
    if cohorts.remove_reviewer(cohort, user_id):
        flash(_("The reviewer has been removed from this group."), "success")
    return redirect(url_for("admin.cohort", cohort_id=cohort.id) + "#reviewers")
