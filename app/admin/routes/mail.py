"""Mail that has not gone out: failed and pending outbox messages, and trying one again."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp, services
from app.admin.forms import RetryMailForm
from app.extensions import db
from app.mail import delivery
from app.mail.models import OutboxMessage, OutboxStatus
from app.policy import Role, role_required

SHOWN = 200


@bp.route("/mail")
@role_required(Role.ADMIN)
def mail_outbox():
    return render_template(
        "admin/mail.html",
        messages=delivery.undelivered(SHOWN),
        shown=SHOWN,
        form=RetryMailForm(),
        Status=OutboxStatus,
    )


@bp.route("/mail/<int:message_id>/retry", methods=["POST"])
@role_required(Role.ADMIN)
def retry_mail(message_id: int):
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if not RetryMailForm().validate_on_submit():
        abort(400)
    if services.retry_mail(message, actor=current_user):
        flash(_("The message will be sent again in a moment."), "success")
    else:
        flash(_("That message has already been sent."), "info")
    return redirect(url_for("admin.mail_outbox"))
