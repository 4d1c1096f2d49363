"""Users: search, view, roles, deactivate and reactivate, send the invitation again."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp, queries, services
from app.admin.forms import ROLE_LABELS, ActiveForm, RolesForm
from app.admin.routes._load import page_arg
from app.audit.events import detail_items, event_label
from app.auth.models import User
from app.cohorts import services as cohorts
from app.policy import Role, role_required

SEARCH_MAX = 100


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    text = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    if len(text) > SEARCH_MAX or role not in services.ROLE_FILTERS:
        abort(400)
    found, total, page, pages = services.search_users(
        text, role, page_arg(request.args.get("page"))
    )
    return render_template(
        "admin/users.html",
        users=found,
        total=total,
        page=page,
        pages=pages,
        q=text,
        role=role,
        role_labels=ROLE_LABELS,
    )


def _user_or_404(user_id: int) -> User:
    user = queries.user_or_none(user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>")
@role_required(Role.ADMIN)
def user(user_id: int):
    person = _user_or_404(user_id)
    enrolled, reviewing = services.cohorts_of(person)
    roles_form = RolesForm(roles=sorted(person.roles))
    events = queries.user_events(person.id)
    return render_template(
        "admin/user.html",
        person=person,
        enrolled=enrolled,
        reviewing=reviewing,
        roles_form=roles_form,
        active_form=ActiveForm(),
        events=events,
        role_labels=ROLE_LABELS,
        event_label=event_label,
        detail_items=detail_items,
    )


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
@role_required(Role.ADMIN)
def user_roles(user_id: int):
    person = _user_or_404(user_id)
    form = RolesForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.change_roles(person, form.roles.data, actor=current_user)
    except services.AdminError as exc:
        flash(str(exc), "error")
    else:
        flash(_("The roles have been saved."), "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@role_required(Role.ADMIN)
def deactivate_user(user_id: int):
    person = _user_or_404(user_id)
    if not ActiveForm().validate_on_submit():
        abort(400)
    try:
        services.deactivate(person, actor=current_user)
    except services.AdminError as exc:
        flash(str(exc), "error")
    else:
        flash(_("The account is deactivated and signed out everywhere."), "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@role_required(Role.ADMIN)
def reactivate_user(user_id: int):
    person = _user_or_404(user_id)
    if not ActiveForm().validate_on_submit():
        abort(400)
    services.reactivate(person, actor=current_user)
    flash(_("The account is active again."), "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/users/<int:user_id>/invitation", methods=["POST"])
@role_required(Role.ADMIN)
def resend_invitation(user_id: int):
    """Email a new invitation link; the one sent before stops working."""
    person = _user_or_404(user_id)
    if not ActiveForm().validate_on_submit():
        abort(400)
    try:
        cohorts.resend_invitation(person, actor=current_user)
    except cohorts.InvitationError as exc:
        flash(str(exc), "error")
    else:
        flash(_("A new invitation is on its way; the previous link no longer works."), "success")
    return redirect(url_for("admin.user", user_id=person.id))
