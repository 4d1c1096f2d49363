from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cohorts import bp, services
from app.cohorts.errors import CohortArchived
from app.cohorts.forms import JoinForm
from app.db import utcnow
from app.learning import services as learning
from app.policy import public
from app.unit_of_work import rollback


@bp.route("/join/<code>", methods=["GET", "POST"])
@public
def join(code: str):
    cohort = services.cohort_for_invite(code)
    if cohort is None:
        abort(404)
    form = JoinForm()
    if current_user.is_authenticated and form.validate_on_submit():
        try:
            services.enrol(current_user, cohort)
        except services.EnrolmentError as exc:
            flash(str(exc), "error")
            return redirect(url_for("learning.dashboard"))
        flash(_("Welcome to the course!"), "success")
        return redirect(url_for("learning.dashboard"))
    return render_template(
        "cohorts/join.html",
        cohort=cohort,
        form=form,
        start=learning.course_open_state(cohort, utcnow()),
    )


@bp.app_errorhandler(CohortArchived)
def cohort_archived(error: CohortArchived):
    """A write on an archived cohort, from any screen: nothing is kept; the cohort's page says
    why (``app.cohorts.policy.ensure_writable`` is the rule)."""
    rollback()
    flash(str(error), "error")
    if error.cohort_id is None:
        return redirect(url_for("admin.index"))
    return redirect(url_for("admin.cohort", cohort_id=error.cohort_id))
