"""The admin console's writes about people: reviewers of a cohort, account status, roles; and
sending a failed email again.

Services flush and audit; the request commits. Cohort settings live in ``app.cohorts.services``.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.audit.services import record
from app.auth import services as accounts
from app.auth.models import RoleGrant, User
from app.cohorts import services as cohorts
from app.cohorts.models import Cohort, CohortReviewer, Enrolment
from app.extensions import db
from app.mail import delivery
from app.mail.models import OutboxMessage, OutboxStatus
from app.policy import Role
from app.textsearch import contains_pattern

AccountError = accounts.AccountError
PER_PAGE = 50
ROLE_FILTERS = ("", *(role.value for role in Role))


class AdminError(ValueError):
    """A rule was broken; ``str(error)`` is a translated message. Nothing was changed."""


def assign_reviewer_by_email(cohort: Cohort, email: str) -> User:
    """Assign an existing, active account with the reviewer role to ``cohort``."""
    cohorts.ensure_writable(cohort)
    try:
        user = accounts.find_by_email(accounts.normalise_email(email))
    except AccountError:
        user = None
    if user is None:
        raise AdminError(_l("There is no account with this email address."))
    if not user.active or not user.has_role(Role.REVIEWER):
        raise AdminError(_l("Only an active account with the reviewer role can be assigned."))
    cohorts.assign_reviewer(cohort, user)
    return user


def reviewers_of(cohort: Cohort) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(CohortReviewer, CohortReviewer.user_id == User.id)
            .where(CohortReviewer.cohort_id == cohort.id)
            .order_by(User.name, User.id)
        )
    )


def deactivate(user: User, *, actor: User) -> None:
    """Refuse sign-in and end every login at once. Never yourself, never the last admin."""
    if user.id == actor.id:
        raise AdminError(_l("You cannot deactivate your own account."))
    if not user.active:
        return
    if user.has_role(Role.ADMIN) and accounts.admins_count() <= 1:
        raise AdminError(
            _l("This is the last administrator; make someone else an administrator first.")
        )
    user.active = False
    accounts.end_all_sessions(user)
    db.session.flush()
    record("user.deactivated", actor=actor, target=user)


def reactivate(user: User, *, actor: User) -> None:
    if user.active:
        return
    user.active = True
    db.session.flush()
    record("user.reactivated", actor=actor, target=user)


def change_roles(user: User, roles: Iterable[str], *, actor: User) -> None:
    """Through ``set_roles``, which keeps the last admin and writes the audit log."""
    try:
        accounts.set_roles(user, [Role(r) for r in roles], actor=actor)
    except AccountError as exc:
        raise AdminError(str(exc)) from exc


def search_users(text: str, role: str, page: int) -> tuple[list[User], int, int, int]:
    """Users whose name or email contains ``text``, optionally with ``role``; a page of them."""
    query = select(User)
    if text:
        pattern = contains_pattern(text)
        query = query.where(
            or_(
                User.search_name.like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
            )
        )
    if role:
        query = query.where(
            User.id.in_(select(RoleGrant.user_id).where(RoleGrant.role == Role(role)))
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(page, pages)
    users = list(
        db.session.scalars(
            query.order_by(User.name, User.id).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
        )
    )
    return users, total, page, pages


def cohorts_of(user: User) -> tuple[list[Cohort], list[Cohort]]:
    """The cohorts ``user`` is enrolled in, and those they review."""
    enrolled = list(
        db.session.scalars(
            select(Cohort)
            .join(Enrolment, Enrolment.cohort_id == Cohort.id)
            .where(Enrolment.user_id == user.id)
            .order_by(Cohort.id)
        )
    )
    reviewing = list(
        db.session.scalars(
            select(Cohort)
            .join(CohortReviewer, CohortReviewer.cohort_id == Cohort.id)
            .where(CohortReviewer.user_id == user.id)
            .order_by(Cohort.id)
        )
    )
    return enrolled, reviewing


def cohort_list(*, archived: bool, ids: set[int] | None = None) -> list[tuple[Cohort, int, int]]:
    """Cohorts with their student and reviewer counts (two grouped subqueries, one query)."""
    students = (
        select(Enrolment.cohort_id, func.count().label("n"))
        .group_by(Enrolment.cohort_id)
        .subquery()
    )
    reviewers = (
        select(CohortReviewer.cohort_id, func.count().label("n"))
        .group_by(CohortReviewer.cohort_id)
        .subquery()
    )
    query = (
        select(Cohort, func.coalesce(students.c.n, 0), func.coalesce(reviewers.c.n, 0))
        .outerjoin(students, students.c.cohort_id == Cohort.id)
        .outerjoin(reviewers, reviewers.c.cohort_id == Cohort.id)
        .where(Cohort.archived_at.is_not(None) if archived else Cohort.archived_at.is_(None))
        .order_by(Cohort.id.desc())
    )
    if ids is not None:
        query = query.where(Cohort.id.in_(ids))
    return [tuple(row) for row in db.session.execute(query)]


def retry_mail(message: OutboxMessage, *, actor: User) -> bool:
    """Send a failed or waiting message again, from a fresh count of tries (audited); False if
    it has been sent already (nothing changes)."""
    if message.status == OutboxStatus.SENT:
        return False
    record(
        "mail.retried",
        actor=actor,
        target=message,
        to=message.to_address,
        attempts=message.attempts,
        status=message.status.value,
    )
    delivery.retry(message)
    return True
