"""Invitations: the email that lets an enrolled person choose their first password.

The link carries a single-use invitation token (``issue_invitation_token`` of the auth
services); sending again replaces it, so only the newest invitation works.
"""

from __future__ import annotations

from typing import Any, cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult

from app import mail
from app.audit import events
from app.audit.services import record
from app.auth.models import User
from app.auth.services import issue_invitation_token
from app.cohorts.models import Cohort, Enrolment, EnrolmentImport
from app.extensions import db
from app.learning.content import pick
from app.links import external_url


def invite_batch() -> int:
    """How many invitations one transaction of the invitations job sends."""
    return int(current_app.config["ENROL_INVITE_BATCH"])


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


def send_invitation_batch(import_id: int, size: int) -> int:
    """Queue the invitations of the next ``size`` accounts still waiting in an enrolment import,
    in the caller's transaction; how many accounts the batch took (0: none left).

    The batch is taken with a conditional UPDATE on ``invites_sent`` (which only grows): of two
    runs of the job at once, one takes it and the other matches no row and takes nothing, so an
    invitation is queued once per import. A batch that fails rolls back with its claim, and a
    retry takes the same accounts again."""
    preview = db.session.get(EnrolmentImport, import_id, populate_existing=True)
    if preview is None or preview.status != "confirmed":
        return 0
    pending = list(preview.pending_invites or [])
    batch, rest = pending[:size], pending[size:]
    if not batch:
        return 0
    sent_before = preview.invites_sent or 0
    claimed = cast(
        "CursorResult[Any]",
        db.session.execute(
            db.update(EnrolmentImport)
            .where(EnrolmentImport.id == import_id, EnrolmentImport.invites_sent == sent_before)
            .values(pending_invites=rest, invites_sent=sent_before + len(batch))
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if claimed != 1:
        return 0  # another run of the job took this batch
    cohort = db.session.get(Cohort, preview.cohort_id)
    users = {
        user.id: user for user in db.session.scalars(db.select(User).where(User.id.in_(batch)))
    }
    for user_id in batch:
        user = users.get(user_id)
        if cohort is None or user is None or not can_invite(user):
            continue  # gone, deactivated, or has set a password already
        send_invitation(user, cohort)
    db.session.flush()
    return len(batch)
