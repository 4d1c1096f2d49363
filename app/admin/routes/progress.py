"""Progress of a cohort: the dashboard and the student table (admins, and reviewers of the
cohort, read-only)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from app.admin import bp, dashboard_view, services
from app.admin.policy import can_see_emails
from app.admin.routes._load import page_arg, viewable_cohort, viewable_cohort_facts
from app.cohorts import services as cohorts
from app.policy import Role, is_admin, role_required
from app.reports import services as reports

STALLED_DEFAULT = 7


@bp.route("/progress")
@role_required(Role.ADMIN, Role.REVIEWER)
def my_cohorts():
    """The cohorts whose progress the current user may see."""
    ids = None if is_admin(current_user) else cohorts.reviewer_cohort_ids(current_user.id)
    rows = services.cohort_list(archived=False, ids=ids) + services.cohort_list(
        archived=True, ids=ids
    )
    return render_template("admin/my_cohorts.html", rows=rows)


def _stalled_days() -> int:
    value = request.args.get("stalled", "")
    if not value:
        return STALLED_DEFAULT
    if not value.isdigit() or not 1 <= int(value) <= 365:
        abort(400)
    return int(value)


@bp.route("/cohorts/<int:cohort_id>/dashboard")
@role_required(Role.ADMIN, Role.REVIEWER)
def dashboard(cohort_id: int):
    cohort = viewable_cohort_facts(cohort_id)
    figures = reports.dashboard(cohort, stalled_days=_stalled_days())
    return render_template(
        "admin/dashboard.html",
        cohort=cohort,
        d=figures,
        manage=is_admin(current_user),
        **dashboard_view.view(figures),
    )


def _table_query(admin: bool) -> reports.TableQuery:
    """The table's query string; anything outside the allow-lists is refused with 400."""
    args = request.args
    search = args.get("q", "").strip()
    sort = args.get("sort", "name")
    direction = args.get("dir", "asc")
    if (
        len(search) > reports.SEARCH_MAX
        or any(ord(ch) < 32 for ch in search)
        or sort not in reports.SORTS
        or (sort == "email" and not admin)
        or direction not in reports.DIRECTIONS
    ):
        abort(400)
    return reports.TableQuery(search, sort, direction, page_arg(args.get("page")))


@bp.route("/cohorts/<int:cohort_id>/students")
@role_required(Role.ADMIN, Role.REVIEWER)
def students_table(cohort_id: int):
    cohort = viewable_cohort(cohort_id)
    emails = can_see_emails(current_user)
    table = _table_query(emails)
    result = reports.student_table(cohort, table, search_emails=emails)
    return render_template(
        "admin/students.html",
        cohort=cohort,
        table=table,
        result=result,
        modules=list(cohort.course.modules),
        state_labels=reports.MODULE_STATES,
        emails=emails,
        manage=is_admin(current_user),
    )
