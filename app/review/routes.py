from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.homework import services as homework
from app.homework.models import VERDICT_LABELS, Decision, Submission
from app.homework.policy import can_grade
from app.learning.content import LANGS
from app.learning.models import Module
from app.policy import Role, conceal, deny, role_required
from app.review import bp, services
from app.review.forms import (
    ClaimForm,
    ClaimNextForm,
    GradeForm,
    ReleaseForm,
    criterion_feedback_field,
    criterion_field,
)
from app.review.queue_text import queue_rows, queue_texts

WAITS = {"": None, "24": 24, "72": 72, "168": 168}


def _is_number(value: str) -> bool:
    """ASCII digits, short enough for an integer column (``str.isdigit`` also says yes to "²",
    which ``int`` refuses)."""
    return value.isascii() and value.isdigit() and len(value) <= 9


def _filters() -> services.QueueFilter:
    """Filters from the query string; anything outside the allow-lists is refused."""
    args = request.args
    state = args.get("state", services.WAITING)
    language = args.get("language", "")
    wait = args.get("wait", "")
    module = args.get("module", "")
    if (
        state not in services.QUEUE_STATES
        or (language and language not in LANGS)
        or (wait not in WAITS)
        or (module and not _is_number(module))
    ):
        abort(400)
    return services.QueueFilter(
        module_id=int(module) if module else None,
        language=language or None,
        state=state,
        min_wait_hours=WAITS[wait],
    )


@bp.route("/")
@role_required(Role.REVIEWER)
def queue():
    filters = _filters()
    # The reviewer's cohorts and their modules, once for the whole page (one statement).
    scope = services.reviewer_scope(current_user.id)
    rows, counts = services.queue(current_user, filters, cohort_ids=scope.cohort_ids)
    return render_template(
        "review/queue.html",
        rows=queue_rows(rows, str(get_locale())),
        counts=counts,
        cap=services.HISTORY_CAP,
        filters=filters,
        modules=scope.modules,
        langs=LANGS,
        t=queue_texts(),
    )


@bp.route("/next", methods=["POST"])
@role_required(Role.REVIEWER)
def claim_next():
    if not ClaimNextForm().validate_on_submit():
        abort(400)
    submission = services.claim_next(current_user, services.QueueFilter())
    if submission is None:
        flash(_("Nothing is waiting for review in your groups."), "info")
        return redirect(url_for("review.queue"))
    return redirect(url_for("review.submission", submission_id=submission.id))


def _load(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.status == "draft":
        abort(404)
    if not can_grade(current_user, submission):
        # Another cohort's work, or one's own: answered like a missing id.
        conceal(f"review submission {submission_id}")
    return submission


@bp.route("/submissions/<int:submission_id>")
@role_required(Role.REVIEWER)
def submission(submission_id: int):
    """The attempt, read-only until this reviewer claims it with "Start reviewing" (a GET
    claims nothing: a link opened by a preview bot or another site must not take work)."""
    return _render(_load(submission_id))


@bp.route("/submissions/<int:submission_id>/claim", methods=["POST"])
@role_required(Role.REVIEWER)
def claim(submission_id: int):
    sub = _load(submission_id)
    if not ClaimForm().validate_on_submit():
        abort(400)
    try:
        services.start_review(current_user, sub)
    except services.AlreadyGraded as exc:
        flash(str(exc), "info")
    except services.SameReviewer as exc:
        flash(str(exc), "error")
    except homework.Conflict as exc:
        flash(str(exc), "error")
    return redirect(url_for("review.submission", submission_id=sub.id))


def _render(sub: Submission, form: GradeForm | None = None, status: int = 200):
    """The attempt and, for the reviewer holding it, the grading form (with what was wrong)."""
    module = db.session.get_one(Module, sub.module_id)
    # Only the attempts before this one: a later one may be a draft, which is the student's own.
    history = [
        a for a in homework.attempts(sub.user_id, sub.module_id) if a.attempt_no < sub.attempt_no
    ]
    if form is None:
        form = GradeForm.for_module(module)(version=sub.version)
    return render_template(
        "review/submission.html",
        sub=sub,
        module=module,
        history=history,
        form=form,
        student=services.author(sub),
        verdicts=VERDICT_LABELS,
        criteria={c.id: c for c in module.criteria},
        guide=module.reviewer_guide or {},
        release_form=ReleaseForm(),
        claim_form=ClaimForm(),
        claim_minutes=current_app.config["REVIEW_CLAIM_MINUTES"],
        field=criterion_field,
        note=criterion_feedback_field,
        errors=form.problems() if form.is_submitted() else [],
        chosen=request.form,
        visible_status=homework.visible_status,
    ), status


@bp.route("/submissions/<int:submission_id>/grade", methods=["POST"])
@role_required(Role.REVIEWER)
def grade(submission_id: int):
    sub = _load(submission_id)
    form = GradeForm.for_module(db.session.get(Module, sub.module_id))()
    extra = form.unexpected(request.form)
    if extra:
        deny(f"unexpected fields in grading form: {extra[:5]}")
    version = form.version_number()
    if version is None:
        abort(400)
    if not form.validate_on_submit():
        return _render(sub, form, 422)
    # A conflict (graded meanwhile, claimed by another reviewer, a stale form) is the app's
    # 409 page, raised by the service.
    decision = Decision(form.decision.data)
    try:
        review = services.grade(
            current_user,
            sub,
            version=version,
            decision=decision,
            scores=form.scores(),
            feedback=form.overall_feedback(),
        )
    except services.SameReviewer as exc:
        flash(str(exc), "error")
        return redirect(url_for("review.queue"))
    if review is None or review.decision != decision:
        # Double-marked: the student sees one outcome, once both grades are in (or settled).
        flash(
            _(
                "Your grade is recorded. This homework is double-marked: the student will "
                "see the outcome when both grades are in."
            ),
            "success",
        )
    elif decision == Decision.ACCEPT:
        flash(_("Accepted. The student has been notified."), "success")
    else:
        flash(_("Returned for revision. The student has been notified."), "success")
    return redirect(url_for("review.queue"))


@bp.route("/submissions/<int:submission_id>/release", methods=["POST"])
@role_required(Role.REVIEWER)
def release(submission_id: int):
    sub = _load(submission_id)
    if ReleaseForm().validate_on_submit():
        services.release(current_user, sub)
        flash(_("The homework is back in the queue."), "info")
    return redirect(url_for("review.queue"))
