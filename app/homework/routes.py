from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app import storage
from app.errors import render_error
from app.extensions import db
from app.homework import bp, notifications, saving, services
from app.homework.claimreview import claim_review
from app.homework.forms import (
    TOO_MANY_ROWS,
    VERDICT_LABELS,
    FactCheckForm,
    MarkAllReadForm,
    MarkReadForm,
    RevisionForm,
)
from app.homework.models import MAX_EVIDENCE, Screenshot, Submission
from app.homework.policy import (
    can_edit_submission,
    can_export_claim_review,
    can_read_notice,
    can_view_submission,
)
from app.learning import services as learning
from app.policy import conceal, login_required

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MODULE = "/courses/<course_slug>/modules/<module_slug>/homework"


def _student_context(course_slug: str, module_slug: str):
    ctx = learning.load_module(
        current_user,
        course_slug,
        module_slug,
        lang=request.args.get("lang"),
        reading=request.method in SAFE_METHODS,
    )
    if not ctx.is_student:
        abort(403)
    return ctx


def _rows(raw: str | None) -> int:
    """How many evidence rows the "add another link" button asked for (a plain number)."""
    raw = raw or ""
    return min(int(raw), MAX_EVIDENCE) if raw.isascii() and raw.isdigit() and len(raw) <= 2 else 0


def _page(ctx, form, *, attempts=None, errors=(), refused=(), kept=0, status=200):
    """The homework page; ``attempts`` as loaded, or loaded afresh after a change."""
    if attempts is None:
        attempts = services.attempts(current_user.id, ctx.module.id)
    current = attempts[0] if attempts else None
    return render_template(
        "homework/homework.html",
        ctx=ctx,
        form=form,
        attempts=attempts,
        current=current,
        # A preview before the module opens accepts nothing, so it offers no form either.
        editable=not ctx.previewing_unopened
        and (current is None or can_edit_submission(current_user, current)),
        errors=list(errors),
        refused=list(refused),
        kept=kept,
        max_rows=MAX_EVIDENCE,
        verdicts=VERDICT_LABELS,
        revision_form=RevisionForm(),
        visible_status=services.visible_status,
        criteria={c.id: c for c in ctx.module.criteria},
    ), status


@bp.route(MODULE, methods=["GET", "POST"])
@login_required
def homework(course_slug: str, module_slug: str):
    ctx = _student_context(course_slug, module_slug)
    attempts = services.attempts(current_user.id, ctx.module.id)
    form = FactCheckForm()
    form.offer_removal(attempts[0] if attempts else None)
    if not form.is_submitted():
        draft = services.editable_attempt(current_user, attempts)
        form.fill_from(draft, rows=_rows(request.args.get("rows")) if draft else 0)
        return _page(ctx, form, attempts=attempts)
    valid = form.validate()
    try:
        outcome = saving.save_form(
            current_user,
            ctx.module,
            ctx.progress.cohort.id,
            form.to_fact_check() if valid else None,
            files=form.screenshots.data or [],
            remove_ids=(form.remove.data or []) if valid else [],
            version=form.loaded_version(),
            language=ctx.lang,
            submit=bool(form.submit.data),
        )
    except services.Conflict:
        # Answered here, not by the app's 409 page: "reload" would throw away what was typed
        # in this window, and only this route can show its form again as typed.
        return _conflict(ctx, form)
    if outcome.saved:
        return _saved(form, course_slug, module_slug)
    return _not_saved(ctx, form, outcome)


def _conflict(ctx, form: FactCheckForm):
    """The form as typed, on the latest version, so that saving again is a deliberate
    replacement of what the other window saved."""
    latest = services.latest(current_user.id, ctx.module.id)
    form.version.data = latest.version if latest else ""
    message = _(
        "This homework was changed in another window. What you typed here was not saved, "
        "but it is still below: check it, then save again to replace the other version. "
        "Screenshots you had chosen here were not attached: choose them again if they are "
        "missing."
    )
    return _page(ctx, form, errors=[message], status=409)


def _not_saved(ctx, form: FactCheckForm, outcome: saving.Outcome):
    """The form with what was wrong (422); screenshots accepted meanwhile stay attached."""
    if outcome.kept:
        # The page answers 422, and the request hook rolls back what such a request did: the
        # screenshots kept with the draft are the one change this request means to keep.
        db.session.commit()
        storage.on_commit()
        form.version.data = outcome.submission.version
    if form.add_row.data and len(form.evidence.entries) < MAX_EVIDENCE:
        form.evidence.append_entry()
    return _page(
        ctx, form, errors=outcome.errors, refused=outcome.refused, kept=outcome.kept, status=422
    )


def _saved(form: FactCheckForm, course_slug: str, module_slug: str):
    here = {"course_slug": course_slug, "module_slug": module_slug}
    if form.submit.data:
        flash(
            _(
                "Your homework has been submitted. You will get an email when a "
                "reviewer has looked at it."
            ),
            "success",
        )
        return redirect(url_for("homework.homework", **here))
    flash(_("Draft saved. You can finish it later."), "success")
    if not form.add_row.data:
        return redirect(url_for("homework.homework", **here))
    rows = len(form.evidence.entries)
    if rows >= MAX_EVIDENCE:
        flash(str(TOO_MANY_ROWS), "info")
        return redirect(url_for("homework.homework", **here))
    # The first empty row follows the filled ones (the draft keeps only rows with a link).
    filled = sum(1 for e in form.evidence if e.url.data)
    return redirect(
        url_for("homework.homework", rows=rows + 1, _anchor=f"evidence-{filled}-url", **here)
    )


# --- a form posted after the session ended: say so, and give the text back -----------------


@bp.before_request
def signed_out_while_writing():
    """A fact-check posted by someone who is no longer signed in (the session ended in another
    tab or on another device): instead of a bare redirect to the login page, which would drop
    what they wrote, show it back to copy."""
    if (
        request.method == "POST"
        and request.endpoint == "homework.homework"
        and not current_user.is_authenticated
    ):
        return _signed_out_page(401)
    return None


@bp.errorhandler(CSRFError)
def expired_form(error):
    """The session behind the form is gone or was replaced (signed out and in again): nothing
    is saved, and the student gets the form back with their text and a fresh token."""
    db.session.rollback()
    if request.endpoint != "homework.homework":
        return render_error(
            400, _("The form had expired. Please reload the page and submit it again.")
        )
    if not current_user.is_authenticated:
        return _signed_out_page(400)
    try:
        ctx = _student_context(**request.view_args)
    except HTTPException:
        return _signed_out_page(400)
    form = FactCheckForm()
    message = _(
        "This page had expired, so it was not saved. Your text is still here. If you had "
        "chosen screenshots, choose them again."
    )
    return _page(ctx, form, errors=[message], status=400)


def _signed_out_page(status: int):
    form = FactCheckForm(meta={"csrf": False})
    here = request.view_args or {}
    return render_template(
        "homework/not_saved.html",
        form=form,
        verdicts=VERDICT_LABELS,
        login_url=url_for("auth.login", next=url_for("homework.homework", **here)),
    ), status


@bp.route(MODULE + "/revise", methods=["POST"])
@login_required
def revise(course_slug: str, module_slug: str):
    ctx = _student_context(course_slug, module_slug)
    if RevisionForm().validate_on_submit():
        try:
            services.start_revision(current_user, ctx.module)
        except services.HomeworkError as exc:
            flash(str(exc), "error")
        else:
            flash(
                _(
                    "A new attempt has been started from your previous one. Change what the "
                    "reviewer asked for, then submit it."
                ),
                "info",
            )
    return redirect(url_for("homework.homework", course_slug=course_slug, module_slug=module_slug))


@bp.route("/homework/screenshots/<int:shot_id>")
@login_required
def screenshot(shot_id: int):
    shot = db.session.get(Screenshot, shot_id)
    if shot is None:
        abort(404)
    submission = db.session.get(Submission, shot.submission_id)
    if not can_view_submission(current_user, submission):
        conceal(f"screenshot {shot_id}")
    extension = "jpg" if shot.format == "jpeg" else shot.format
    return storage.send_image(
        shot.stored_name, f"screenshot-{submission.id}-{shot.position}.{extension}"
    )


@bp.route("/homework/<int:submission_id>/claimreview.json")
@login_required
def claimreview(submission_id: int):
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        abort(404)
    if not can_view_submission(current_user, submission):
        conceal(f"claimreview {submission_id}")
    if not can_export_claim_review(current_user, submission):
        abort(404)  # not accepted (yet): there is no ClaimReview to give
    response = jsonify(claim_review(submission, current_app.config["BASE_URL"]))
    response.mimetype = "application/ld+json"
    return response


@bp.app_context_processor
def unread_notices() -> dict:
    """``unread_notices()`` for the navigation: a query only when a page for a signed-in user
    asks for it."""
    return {"unread_notices": notifications.unread_counter(current_user)}


@bp.route("/notifications")
@login_required
def notices():
    """Reading the list changes nothing: notices are marked read with the forms on the page."""
    items = notifications.recent(current_user.id)
    return render_template(
        "homework/notifications.html",
        items=items,
        read_form=MarkReadForm(),
        all_form=MarkAllReadForm(),
        unread=sum(1 for note, _sub, _module in items if note.read_at is None),
    )


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_notice_read(notification_id: int):
    notice = notifications.find(notification_id)
    if notice is None:
        abort(404)
    if not can_read_notice(current_user, notice):
        conceal(f"notification {notification_id}")
    if not MarkReadForm().validate_on_submit():
        abort(400)
    notifications.mark_read(notice)
    return redirect(url_for("homework.notices") + f"#notice-{notice.id}")


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_notices_read():
    if not MarkAllReadForm().validate_on_submit():
        abort(400)
    if notifications.mark_all_read(current_user.id):
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("homework.notices"))
