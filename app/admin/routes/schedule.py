"""A cohort's schedule: module dates, time zone and late policy; students' extensions."""

from __future__ import annotations

from datetime import datetime, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.admin import bp
from app.admin.routes._load import cohort_or_404
from app.admin.schedule_forms import (
    ExtensionForm,
    RemoveExtensionForm,
    ResetScheduleForm,
    ScheduleForm,
)
from app.auth import services as accounts
from app.auth.models import User
from app.cohorts import services as cohorts
from app.cohorts.models import Cohort
from app.cohorts.policy import ensure_writable
from app.extensions import db
from app.i18n import zone, zone_names
from app.learning.content import pick
from app.learning.models import Course
from app.policy import Role, role_required


def _cohort(cohort_id: int) -> Cohort:
    return cohort_or_404(cohort_id, joinedload(Cohort.course).joinedload(Course.modules))


def _fill(form: ScheduleForm, cohort: Cohort) -> None:
    """The form as the cohort's dates are now, on the wall clock of its zone."""
    tz = cohorts.cohort_timezone(cohort)
    form.timezone.data = tz.key
    form.late_policy.data = cohort.late_policy
    for module in cohort.course.modules:
        dates = cohorts.module_dates(cohort, module)
        entry = form.modules.append_entry()
        entry.module_id.data = str(module.id)
        if dates.opens_at and dates.due_at:
            entry.opens_on.data = dates.opens_at.astimezone(tz).date()
            due = dates.due_at.astimezone(tz)
            entry.due_on.data, entry.due_time.data = due.date(), due.time()


def _read(form: ScheduleForm, cohort: Cohort) -> dict[int, tuple[datetime, datetime] | None]:
    """(open, due) instants per module from the form, read in the chosen zone; errors go on
    the form's fields (the result is then incomplete)."""
    tz = zone(form.timezone.data)
    known = {m.id for m in cohort.course.modules}
    dates: dict[int, tuple[datetime, datetime] | None] = {}
    for entry in form.modules:
        raw = entry.module_id.data or ""
        if not raw.isdigit() or int(raw) not in known:
            abort(400)
        if tz is None or not (entry.opens_on.data and entry.due_on.data):
            dates[int(raw)] = None
            continue
        opens_at = cohorts.local_instant(entry.opens_on.data, time.min, tz)
        due_at = cohorts.local_instant(entry.due_on.data, entry.due_time.data or time(23, 59), tz)
        if not due_at > opens_at:
            entry.due_on.errors.append(_("The due date must be after the open date."))
        dates[int(raw)] = (opens_at, due_at)
    return dates


@bp.route("/cohorts/<int:cohort_id>/schedule", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def cohort_schedule(cohort_id: int):
    cohort = _cohort(cohort_id)
    ensure_writable(cohort)
    form = ScheduleForm(zone_names())
    if request.method == "GET":
        _fill(form, cohort)
    elif form.validate_on_submit():
        dates = _read(form, cohort)
        if not any(entry.due_on.errors for entry in form.modules):
            try:
                cohorts.set_schedule(
                    cohort,
                    timezone=form.timezone.data,
                    late_policy=form.late_policy.data,
                    dates=dates,
                    actor=current_user,
                )
            except cohorts.ScheduleError as exc:
                form.timezone.errors = [*form.timezone.errors, str(exc)]
            else:
                flash(_("The schedule has been saved."), "success")
                return redirect(url_for("admin.cohort_schedule", cohort_id=cohort.id))
    status = 422 if request.method == "POST" else 200
    return _page(cohort, form), status


def _page(cohort: Cohort, form: ScheduleForm) -> str:
    titles = _module_titles(cohort)
    return render_template(
        "admin/schedule.html",
        cohort=cohort,
        form=form,
        titles=titles,
        reset_form=ResetScheduleForm(),
        course=cohort.course,
    )


@bp.route("/cohorts/<int:cohort_id>/schedule/reset", methods=["POST"])
@role_required(Role.ADMIN)
def reset_cohort_schedule(cohort_id: int):
    cohort = _cohort(cohort_id)
    if not ResetScheduleForm().validate_on_submit():
        abort(400)
    cohorts.reset_schedule(cohort, actor=current_user)
    flash(_("The group now follows the course's default dates."), "success")
    return redirect(url_for("admin.cohort_schedule", cohort_id=cohort.id))


def _module_titles(cohort: Cohort) -> dict[int, str]:
    """ "3. Images" for each of the course's modules, in the page's language."""
    locale = str(get_locale())
    return {m.id: f"{m.position}. {pick(m.title, locale)}" for m in cohort.course.modules}


def _module_choices(form: ExtensionForm, cohort: Cohort) -> None:
    form.module.choices = [(0, _("Every module")), *_module_titles(cohort).items()]


@bp.route("/cohorts/<int:cohort_id>/extensions", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def cohort_extensions(cohort_id: int):
    cohort = _cohort(cohort_id)
    form = ExtensionForm()
    _module_choices(form, cohort)
    status = 200
    if request.method == "POST":
        ensure_writable(cohort)
        status = 422
        if form.validate_on_submit():
            student = _student(form)
            enrolment = cohorts.enrolment_for(student.id, cohort.course_id) if student else None
            if enrolment is None or enrolment.cohort_id != cohort.id:
                form.email.errors.append(_("There is no student with this email in the group."))
            else:
                try:
                    cohorts.grant_extension(
                        cohort, enrolment, form.module.data or None, form.days.data, current_user
                    )
                except cohorts.ScheduleError as exc:
                    form.days.errors.append(str(exc))
                else:
                    flash(_("The extension has been granted."), "success")
                    return redirect(url_for("admin.cohort_extensions", cohort_id=cohort.id))
    return _extensions_page(cohort, form), status


def _student(form: ExtensionForm) -> User | None:
    try:
        return accounts.find_by_email(accounts.normalise_email(form.email.data))
    except accounts.AccountError:
        return None


def _extensions_page(cohort: Cohort, form: ExtensionForm) -> str:
    rows = cohorts.extensions_in(cohort.id)
    people = {
        u.id: u
        for u in db.session.scalars(db.select(User).where(User.id.in_({uid for _e, uid in rows})))
    }
    titles = _module_titles(cohort)
    return render_template(
        "admin/extensions.html",
        cohort=cohort,
        form=form,
        rows=[(e, people.get(uid)) for e, uid in rows],
        titles=titles,
        remove_form=RemoveExtensionForm(),
    )


@bp.route("/cohorts/<int:cohort_id>/extensions/<int:extension_id>/remove", methods=["POST"])
@role_required(Role.ADMIN)
def remove_extension(cohort_id: int, extension_id: int):
    cohort = _cohort(cohort_id)
    if not RemoveExtensionForm().validate_on_submit():
        abort(400)
    if not cohorts.remove_extension(cohort, extension_id, actor=current_user):
        abort(404)
    flash(_("The extension has been removed."), "success")
    return redirect(url_for("admin.cohort_extensions", cohort_id=cohort.id))
