"""Reviewer agreement of a cohort: the statistics (admins, and the cohort's reviewers read-only),
marking a sample for double marking, and settling disagreements (admins)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.forms import SampleForm, SettleForm
from app.admin.routes._load import cohort_or_404, page_arg, viewable_cohort
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.policy import ensure_writable
from app.extensions import db
from app.homework.models import VERDICT_LABELS, Submission
from app.learning.models import Module
from app.policy import Role, is_admin, role_required
from app.review import services as review
from app.review.models import DoubleMarking, MarkingState


def _page(cohort: Cohort, sample_form: SampleForm, status: int = 200):
    admin = is_admin(current_user)
    modules = [m for m in cohort.course.modules if not m.retired]
    page = page_arg(request.args.get("page"))
    disputes = review.disputes(cohort.id, page) if admin else []
    return render_template(
        "admin/agreement.html",
        cohort=cohort,
        manage=admin,
        criteria=review.criterion_agreement(cohort.id, modules),
        decisions=review.decision_agreement(cohort.id),
        states=review.state_counts(cohort.id) if admin else {},
        waiting=review.waiting_unmarked(cohort.id) if admin else {},
        modules=modules,
        disputes=disputes[: review.DISPUTES_PAGE],
        more=len(disputes) > review.DISPUTES_PAGE,
        # Held-back first grades still waiting for a second reviewer (the oldest 50).
        waiting_second=(
            review.disputes(cohort.id, 1, MarkingState.SECOND)[: review.DISPUTES_PAGE]
            if admin
            else []
        ),
        page=page,
        form=sample_form,
    ), status


@bp.route("/cohorts/<int:cohort_id>/agreement")
@role_required(Role.ADMIN, Role.REVIEWER)
def agreement(cohort_id: int):
    return _page(viewable_cohort(cohort_id), SampleForm())


@bp.route("/cohorts/<int:cohort_id>/agreement/sample", methods=["POST"])
@role_required(Role.ADMIN)
def mark_sample(cohort_id: int):
    cohort = viewable_cohort(cohort_id)
    ensure_writable(cohort)
    form = SampleForm()
    if not form.validate_on_submit():
        return _page(cohort, form, 422)
    chosen = review.mark_sample(current_user, cohort, form.share.data, form.seed.data or "")
    flash(
        _("%(num)d homework attempts marked for double marking.", num=sum(chosen.values())),
        "success",
    )
    return redirect(url_for("admin.agreement", cohort_id=cohort.id))


def _disputed(cohort_id: int, marking_id: int) -> tuple[Cohort, DoubleMarking]:
    cohort = cohort_or_404(cohort_id)
    marking = review.marking_of(cohort.id, marking_id)
    if marking is None:
        abort(404)
    return cohort, marking


@bp.route("/cohorts/<int:cohort_id>/agreement/<int:marking_id>")
@role_required(Role.ADMIN)
def dispute(cohort_id: int, marking_id: int):
    return _dispute_page(*_disputed(cohort_id, marking_id), SettleForm())


def _dispute_page(cohort: Cohort, marking: DoubleMarking, form: SettleForm, status: int = 200):
    sub = db.session.get_one(Submission, marking.submission_id)
    module = db.session.get_one(Module, sub.module_id)
    reviewer_ids = [g.reviewer_id for g in marking.grades]
    rows = db.session.execute(db.select(User.id, User.name).where(User.id.in_(reviewer_ids)))
    names = {user_id: name for user_id, name in rows}
    return render_template(
        "admin/dispute.html",
        cohort=cohort,
        marking=marking,
        sub=sub,
        module=module,
        student=db.session.get_one(User, sub.user_id),
        criteria=module.criteria,
        names=names,
        verdicts=VERDICT_LABELS,
        form=form,
    ), status


@bp.route("/cohorts/<int:cohort_id>/agreement/<int:marking_id>/settle", methods=["POST"])
@role_required(Role.ADMIN)
def settle(cohort_id: int, marking_id: int):
    cohort, marking = _disputed(cohort_id, marking_id)
    form = SettleForm()
    if not form.validate_on_submit():
        return _dispute_page(cohort, marking, form, 422)
    review.settle(current_user, marking, int(form.chosen.data))
    flash(_("Published. The student has been notified of the outcome."), "success")
    return redirect(url_for("admin.agreement", cohort_id=cohort.id))
