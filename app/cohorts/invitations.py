"""Invitations: the email that lets an enrolled person choose their first password.

The link carries a single-use invitation token (``issue_invitation_token`` of the auth
services); sending again replaces it, so only the newest invitation works.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from app import mail
from app.audit import events
from app.audit.services import record
from app.auth.models import User
from app.auth.services import issue_invitation_token
from app.cohorts.models import Cohort, Enrolment
from app.extensions import db
from app.learning.content import pick
from app.links import external_url


class InvitationError(ValueError):
    """The invitation cannot be sent; ``str(error)`` is a translated message."""


def can_invite(user: User) -> bool:
    """Someone who has never chosen a password, and may still sign in."""
    return user.active and user.password_hash is None


def send_invitation(user: User, cohort: Cohort) -> None:
    """Queue the invitation to ``cohort`` (sent after the commit), with a new link."""
    token = issue_invitation_token(user)
    locale = user.locale or cohort.default_locale
    mail.queue(
        user.email,
        "invitation",
        locale,
        user=user,
        cohort_name=cohort.name,
        course_title=str(pick(cohort.course.title, locale)),
        url=external_url("auth.accept_invitation", token=token),
        forgot_url=external_url("auth.forgot_password"),
        days=current_app.config["INVITATION_MAX_AGE_DAYS"],
    )


def resend_invitation(user: User, *, actor: User) -> None:
    """Send the invitation again, to the person's latest cohort; the old link stops working."""
    if not can_invite(user):
        raise InvitationError(_l("This person has already chosen a password, or is deactivated."))
    cohort = db.session.scalar(
        db.select(Cohort)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.user_id == user.id)
        .order_by(Enrolment.enrolled_at.desc(), Enrolment.id.desc())
        .limit(1)
    )
    if cohort is None:
        raise InvitationError(_l("This person is not enrolled in any group."))
    send_invitation(user, cohort)
    record(events.INVITATION_SENT, actor=actor, target=user, outcome="sent", cohort_id=cohort.id)
