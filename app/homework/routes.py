from flask import abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import storage
from app.extensions import db
from app.homework import bp, notifications, services
from app.homework.claimreview import claim_review
from app.homework.forms import (
    VERDICT_LABELS,
    FactCheckForm,
    MarkAllReadForm,
    MarkReadForm,
    RevisionForm,
)
from app.homework.models import Screenshot, Status, Submission, Verdict
from app.homework.policy import can_read_notice, can_view_submission
from app.learning import services as learning
from app.learning.content import pick
from app.policy import conceal, login_required

MODULE = "/courses/<course_slug>/modules/<module_slug>/homework"


def _student_context(course_slug: str, module_slug: str):
    ctx = learning.load_module(current_user, course_slug, module_slug)
    if not ctx.is_student:
        abort(403)
    return ctx


def _data(form: FactCheckForm) -> services.FactCheck:
    return services.FactCheck(
        claim=(form.claim.data or "").strip(),
        claim_url=form.claim_url.data or None,
        platform=(form.platform.data or "").strip() or None,
        verdict=Verdict(form.verdict.data) if form.verdict.data else None,
        method=(form.method.data or "").strip(),
        reasoning=(form.reasoning.data or "").strip(),
        evidence=[(e.url.data, (e.note.data or "").strip()) for e in form.evidence if e.url.data],
    )


def _version(raw: str | None) -> int:
    """The version the form was loaded with; 0 for a form loaded before any draft existed (so
    a second click on its "Save" is a conflict, not a second copy of its screenshots) and for
    anything that is not a number."""
    raw = raw or ""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else 0


def _prefill(form: FactCheckForm, submission: Submission) -> None:
    form.version.data = submission.version
    form.claim.data = submission.claim
    form.claim_url.data = submission.claim_url
    form.platform.data = submission.platform
    form.verdict.data = submission.verdict.value if submission.verdict else None
    form.method.data = submission.method
    form.reasoning.data = submission.reasoning
    while len(form.evidence.entries):
        form.evidence.pop_entry()
    rows = [(e.url, e.note) for e in submission.evidence]
    for url, note in rows + [("", "")] * max(3 - len(rows), 2):
        if len(form.evidence.entries) >= form.evidence.max_entries:
            break
        form.evidence.append_entry({"url": url, "note": note})


@bp.route(MODULE, methods=["GET", "POST"])
@login_required
def homework(course_slug: str, module_slug: str):
    ctx = _student_context(course_slug, module_slug)
    attempts = services.attempts(current_user.id, ctx.module.id)
    current = attempts[0] if attempts else None
    editable = current is None or current.status == Status.DRAFT
    form = FactCheckForm()
    form.remove.choices = [
        (s.id, str(s.position)) for s in (current.screenshots if current else [])
    ]
    errors: list[str] = []
    status = 200
    if form.is_submitted():
        if not editable:
            if current.status == Status.RETURNED:
                errors.append(_("This attempt was returned. Start a revision to change it."))
            else:
                errors.append(_("This homework has been submitted and can no longer be changed."))
            status = 422
        elif form.validate():
            try:
                version = _version(form.version.data)
                saved = services.save_draft(
                    current_user,
                    ctx.module,
                    ctx.progress.cohort.id,
                    _data(form),
                    language=ctx.lang,
                    new_images=form.screenshots.data or [],
                    remove_ids=form.remove.data or [],
                    version=version,
                )
                if form.submit.data:
                    services.submit(current_user, saved)
            except services.Conflict as exc:
                return render_template(
                    "errors/error.html", code=409, title=_("Changed meanwhile"), message=str(exc)
                ), 409
            except (services.HomeworkError, storage.UploadError) as exc:
                errors.append(str(exc))
                status = 422
            else:
                if form.submit.data:
                    flash(
                        _(
                            "Your homework has been submitted. You will get an email when a "
                            "reviewer has looked at it."
                        ),
                        "success",
                    )
                else:
                    flash(_("Draft saved. You can finish it later."), "success")
                return redirect(
                    url_for("homework.homework", course_slug=course_slug, module_slug=module_slug)
                )
        else:
            status = 422
    elif current is not None and editable:
        _prefill(form, current)
    else:
        _prefill(form, Submission(claim="", method="", reasoning="", version=0))
        form.version.data = ""
    return render_template(
        "homework/homework.html",
        ctx=ctx,
        form=form,
        attempts=attempts,
        current=current,
        editable=editable,
        errors=errors,
        pick=pick,
        verdicts=VERDICT_LABELS,
        revision_form=RevisionForm(),
        visible_status=services.visible_status,
        criteria={c.id: c for c in ctx.module.criteria},
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
    if submission.status != Status.ACCEPTED:
        abort(404)
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
        pick=pick,
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
