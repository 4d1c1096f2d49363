"""A person's own settings: time zone and mail preferences, the private calendar feed's link,
and the one-click unsubscribe that works without signing in (RFC 8058)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import bp
from app.auth.models import User
from app.auth.preference_forms import (
    CalendarForm,
    PreferencesForm,
    RevokeCalendarForm,
    UnsubscribeForm,
)
from app.auth.services import new_calendar_token, revoke_calendar_token
from app.extensions import csrf, db, limiter
from app.i18n import zone_names
from app.links import external_url
from app.mail import kinds, optout
from app.policy import Role, login_required, public


def _kinds() -> tuple[kinds.Kind, ...]:
    """Students choose among the kinds they can get; staff see every kind (the digest too)."""
    if current_user.has_role(Role.REVIEWER) or current_user.has_role(Role.ADMIN):
        return tuple(kinds.Kind)
    return kinds.STUDENT_KINDS


@bp.route("/account/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    offered = _kinds()
    form_class = PreferencesForm.for_kinds(offered)
    stopped = optout.kinds_opted_out(current_user.id)
    if request.method == "GET":
        data = {f"mail_{k}": k not in stopped for k in offered}
        form = form_class(zone_names(), offered, data={"timezone": current_user.timezone or ""})
        for kind in offered:
            form[f"mail_{kind}"].data = data[f"mail_{kind}"]
    else:
        form = form_class(zone_names(), offered)
    if form.validate_on_submit():
        current_user.timezone = form.timezone.data or None
        optout.set_preferences(current_user.id, {k: form[f"mail_{k}"].data for k in offered})
        db.session.flush()
        flash(_("Your preferences have been saved."), "success")
        return redirect(url_for("auth.preferences"))
    return render_template("auth/preferences.html", form=form)


@bp.route("/account/calendar", methods=["GET", "POST"])
@login_required
def calendar():
    """GET: whether a feed link exists. POST: make a new one and show it, once (only its hash
    is kept); the old link stops working."""
    form, revoke = CalendarForm(), RevokeCalendarForm()
    feed_url = None
    if form.validate_on_submit():
        feed_url = external_url("learning.calendar_feed", token=new_calendar_token(current_user))
    return render_template(
        "auth/calendar.html", form=form, revoke=revoke, feed_url=feed_url, user=current_user
    )


@bp.route("/account/calendar/revoke", methods=["POST"])
@login_required
def revoke_calendar():
    if RevokeCalendarForm().validate_on_submit() and revoke_calendar_token(current_user):
        flash(_("The calendar link has been turned off."), "success")
    return redirect(url_for("auth.calendar"))


def _token_or_404(token: str) -> tuple[int, kinds.Kind]:
    found = optout.read_token(token) if len(token) <= 200 else None
    if found is None or db.session.get(User, found[0]) is None:
        abort(404)
    return found


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
@limiter.limit("30 per minute", methods=["POST"])
def unsubscribe(token: str):
    """GET shows what the link would stop and a button (a GET never writes: mail scanners
    open links). POST stops it: the button, or the mail client's RFC 8058 one-click POST
    (``List-Unsubscribe=One-Click``), neither of which has a CSRF token; the signed token is
    the proof."""
    user_id, kind = _token_or_404(token)
    form = UnsubscribeForm()
    done = False
    if request.method == "POST":
        optout.opt_out(user_id, kind)
        done = True
    return render_template(
        "auth/unsubscribe.html", form=form, kind=kind, label=kinds.LABELS[kind], done=done
    )
