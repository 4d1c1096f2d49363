"""Students at risk in a cohort (admins, and the cohort's reviewers read-only), and the bulk
nudge (admins)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.routes._load import page_arg, viewable_cohort
from app.admin.teaching_forms import NudgeForm
from app.cohorts.policy import ensure_writable
from app.policy import Role, is_admin, role_required
from app.teaching import services as teaching

DAYS_DEFAULT = 7


def _filter(args) -> teaching.RiskFilter:
    """``?days=`` (1..365) and ``?reason=`` (one of the criteria, or any); else 400."""
    days = args.get("days", "") or str(DAYS_DEFAULT)
    reason = args.get("reason", "")
    if not days.isascii() or not days.isdigit() or not 1 <= int(days) <= 365:
        abort(400)
    if reason and reason not in teaching.REASONS:
        abort(400)
    return teaching.RiskFilter(days=int(days), reason=reason)


@bp.route("/cohorts/<int:cohort_id>/at-risk")
@role_required(Role.ADMIN, Role.REVIEWER)
def at_risk(cohort_id: int):
    cohort = viewable_cohort(cohort_id)
    f = _filter(request.args)
    page = page_arg(request.args.get("page"))
    rows, total = teaching.students_at_risk(cohort, f, page)
    return render_template(
        "admin/at_risk.html",
        cohort=cohort,
        f=f,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // teaching.RISK_PAGE)),
        reasons=teaching.REASONS,
        nudged=teaching.last_nudged(cohort.id, [r.user_id for r in rows]),
        manage=is_admin(current_user),
        form=NudgeForm(),
    )


@bp.route("/cohorts/<int:cohort_id>/at-risk/nudge", methods=["POST"])
@role_required(Role.ADMIN)
def nudge(cohort_id: int):
    cohort = viewable_cohort(cohort_id)
    ensure_writable(cohort)
    f = _filter(request.form)
    form = NudgeForm()
    if not form.validate_on_submit():
        abort(400)
    if form.everyone.data:
        ids = teaching.matching_ids(cohort, f)
    else:
        raw = request.form.getlist("student")
        if len(raw) > teaching.RISK_PAGE or not all(v.isascii() and v.isdigit() for v in raw):
            abort(400)
        ids = [int(v) for v in raw if len(v) <= 9]
    if not ids:
        flash(_("Choose at least one student."), "error")
    else:
        sent = teaching.nudge(current_user, cohort, ids, f)
        flash(_("%(num)d students nudged. The emails are on their way.", num=sent), "success")
    return redirect(url_for("admin.at_risk", cohort_id=cohort.id, days=f.days, reason=f.reason))
