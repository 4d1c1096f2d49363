"""A cohort's announcements for its staff: the list with each one's history, posting and
editing (admins; the cohort's reviewers when the cohort allows it), and that setting."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.routes._load import page_arg, viewable_cohort
from app.admin.teaching_forms import AnnouncementForm, AnnounceSettingForm
from app.cohorts.models import Cohort
from app.cohorts.policy import ensure_writable
from app.policy import Role, deny, role_required
from app.teaching import services as teaching
from app.teaching.models import Announcement
from app.teaching.policy import can_announce, can_edit_announcement, reviewers_may_announce


def _announcement(cohort: Cohort, announcement_id: int) -> Announcement:
    found = teaching.announcement_of(cohort.id, announcement_id)
    if found is None:
        abort(404)
    return found


@bp.route("/cohorts/<int:cohort_id>/announcements")
@role_required(Role.ADMIN, Role.REVIEWER)
def announcements(cohort_id: int):
    cohort = viewable_cohort(cohort_id)
    page = page_arg(request.args.get("page"))
    rows = teaching.of_cohort(cohort.id, limit=teaching.PAGE + 1, offset=(page - 1) * teaching.PAGE)
    setting = AnnounceSettingForm(reviewers_may_announce=reviewers_may_announce(cohort.id))
    return render_template(
        "admin/announcements.html",
        cohort=cohort,
        rows=rows[: teaching.PAGE],
        more=len(rows) > teaching.PAGE,
        page=page,
        setting_form=setting,
    )


def _editor(cohort: Cohort, form: AnnouncementForm, announcement: Announcement | None, status=200):
    return render_template(
        "admin/announcement_form.html", cohort=cohort, form=form, announcement=announcement
    ), status


@bp.route("/cohorts/<int:cohort_id>/announcements/new", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.REVIEWER)
def new_announcement(cohort_id: int):
    cohort = viewable_cohort(cohort_id)
    if not can_announce(current_user, cohort):
        deny(f"announcements of cohort {cohort_id} are for admins")
    ensure_writable(cohort)
    form = AnnouncementForm()
    if not form.validate_on_submit():
        return _editor(cohort, form, None, 422 if form.is_submitted() else 200)
    try:
        teaching.post_announcement(current_user, cohort, *form.texts())
    except teaching.AnnouncementError as exc:
        form.form_errors.append(str(exc))
        return _editor(cohort, form, None, 422)
    flash(_("Announcement published. The students are being emailed."), "success")
    return redirect(url_for("admin.announcements", cohort_id=cohort.id))


@bp.route(
    "/cohorts/<int:cohort_id>/announcements/<int:announcement_id>/edit", methods=["GET", "POST"]
)
@role_required(Role.ADMIN, Role.REVIEWER)
def edit_announcement(cohort_id: int, announcement_id: int):
    cohort = viewable_cohort(cohort_id)
    announcement = _announcement(cohort, announcement_id)
    if not can_edit_announcement(current_user, announcement, cohort):
        deny(f"announcement {announcement_id} is not the user's to edit")
    ensure_writable(cohort)
    form = AnnouncementForm()
    if not form.is_submitted():
        form.fill(announcement.title, announcement.body)
        form.version.data = str(announcement.version)
        return _editor(cohort, form, announcement)
    version = form.version.data or ""
    if not version.isdigit() or len(version) > 9:
        abort(400)
    if not form.validate_on_submit():
        return _editor(cohort, form, announcement, 422)
    try:
        teaching.edit_announcement(current_user, announcement, int(version), *form.texts())
    except teaching.AnnouncementError as exc:
        form.form_errors.append(str(exc))
        return _editor(cohort, form, announcement, 422)
    flash(_("Announcement changed. The earlier wording is kept in its history."), "success")
    return redirect(url_for("admin.announcements", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/announcements/<int:announcement_id>/history")
@role_required(Role.ADMIN, Role.REVIEWER)
def announcement_history(cohort_id: int, announcement_id: int):
    cohort = viewable_cohort(cohort_id)
    announcement = _announcement(cohort, announcement_id)
    return render_template(
        "admin/announcement_history.html",
        cohort=cohort,
        announcement=announcement,
        versions=teaching.history(announcement),
    )


@bp.route("/cohorts/<int:cohort_id>/announcements/settings", methods=["POST"])
@role_required(Role.ADMIN)
def announcement_settings(cohort_id: int):
    cohort = viewable_cohort(cohort_id)
    ensure_writable(cohort)
    form = AnnounceSettingForm()
    if not form.validate_on_submit():
        abort(400)
    teaching.set_reviewers_may_announce(
        current_user, cohort, bool(form.reviewers_may_announce.data)
    )
    flash(_("Saved."), "success")
    return redirect(url_for("admin.announcements", cohort_id=cohort.id))
