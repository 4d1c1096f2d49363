from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cohorts import bp, services
from app.cohorts.forms import JoinForm
from app.db import utcnow
from app.learning import schedule
from app.policy import public


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
        start=schedule.course_open_state(cohort, utcnow()),
    )
