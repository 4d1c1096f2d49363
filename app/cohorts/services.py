"""Cohorts and enrolment: the questions other domains ask go through here."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, func, select

from app.audit.services import record
from app.cohorts import summary

# Re-exported for other domains (explicit "X as X"): CSV enrolment, invitations, the labels
# of enrolment outcomes, and the progress summary that learning and homework keep up to date.
from app.cohorts.deadlines import ScheduleError as ScheduleError
from app.cohorts.deadlines import extensions_in as extensions_in
from app.cohorts.deadlines import grant_extension as grant_extension
from app.cohorts.deadlines import remove_extension as remove_extension
from app.cohorts.deadlines import reset_schedule as reset_schedule
from app.cohorts.deadlines import set_schedule as set_schedule
from app.cohorts.enrolment import DETAIL as DETAIL
from app.cohorts.enrolment import EMAIL as EMAIL
from app.cohorts.enrolment import LINE as LINE
from app.cohorts.enrolment import LOCALE as LOCALE
from app.cohorts.enrolment import NAME as NAME
from app.cohorts.enrolment import OUTCOME as OUTCOME
from app.cohorts.enrolment import REASON as REASON
from app.cohorts.enrolment import FileProblem as FileProblem
from app.cohorts.enrolment import ImportConflict as ImportConflict
from app.cohorts.enrolment import Outcome as Outcome
from app.cohorts.enrolment import confirm_import as confirm_import
from app.cohorts.enrolment import find_import as find_import
from app.cohorts.enrolment import preview_import as preview_import
from app.cohorts.enrolment import queue_invitations as queue_invitations
from app.cohorts.enrolment import recent_imports as recent_imports
from app.cohorts.errors import CohortArchived as CohortArchived
from app.cohorts.errors import CohortChanged as CohortChanged
from app.cohorts.errors import EnrolmentError as EnrolmentError
from app.cohorts.invitations import InvitationError as InvitationError
from app.cohorts.invitations import resend_invitation as resend_invitation
from app.cohorts.labels import OUTCOMES as OUTCOMES
from app.cohorts.labels import file_problem as file_problem
from app.cohorts.labels import reason as reason
from app.cohorts.models import Cohort, CohortReviewer, Enrolment
from app.cohorts.policy import ensure_writable as ensure_writable
from app.cohorts.schedule import NO_DATES as NO_DATES
from app.cohorts.schedule import Due as Due
from app.cohorts.schedule import ModuleDates as ModuleDates
from app.cohorts.schedule import cohort_starts_at as cohort_starts_at
from app.cohorts.schedule import cohort_timezone as cohort_timezone
from app.cohorts.schedule import dates_by_default as dates_by_default
from app.cohorts.schedule import default_dates as default_dates
from app.cohorts.schedule import due_for as due_for
from app.cohorts.schedule import extension_days as extension_days
from app.cohorts.schedule import extensions_of as extensions_of
from app.cohorts.schedule import local_instant as local_instant
from app.cohorts.schedule import module_dates as module_dates
from app.cohorts.schedule import student_timezone as student_timezone
from app.cohorts.summary import note_activity as note_activity
from app.cohorts.summary import note_completed as note_completed
from app.db import utcnow
from app.extensions import db
from app.learning.models import Course
from app.unit_of_work import add_or_take_winner

if TYPE_CHECKING:
    from app.auth.models import User


def new_invite_code() -> str:
    return secrets.token_urlsafe(16)  # 128 bits


def create_cohort(
    course: Course,
    name: str,
    *,
    starts_on: date | None = None,
    ends_on: date | None = None,
    default_locale: str = "kk",
    sequential: bool = True,
) -> Cohort:
    cohort = Cohort(
        course=course,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        default_locale=default_locale,
        sequential=sequential,
        invite_code=new_invite_code(),
        invite_open=True,
    )
    db.session.add(cohort)
    db.session.flush()
    record("cohort.created", target=cohort, name=cohort.name)
    return cohort


def cohort_for_invite(code: str) -> Cohort | None:
    """The cohort this invite code opens, if the link is open and the cohort not archived."""
    if not code or len(code) > 64:
        return None
    cohort = db.session.scalar(select(Cohort).where(Cohort.invite_code == code))
    if cohort is None or not cohort.invite_open or cohort.archived_at is not None:
        return None
    return cohort


def enrolment_for(user_id: int, course_id: int) -> Enrolment | None:
    return db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
    )


def enrolments_of(user_id: int) -> list[Enrolment]:
    return list(
        db.session.scalars(
            db.select(Enrolment).where(Enrolment.user_id == user_id).order_by(Enrolment.id)
        )
    )


def enrol(user: User, cohort: Cohort) -> Enrolment:
    """Put ``user`` in ``cohort``; joining the same cohort again is harmless."""
    existing = enrolment_for(user.id, cohort.course_id)
    if existing is not None:
        if existing.cohort_id != cohort.id:
            raise EnrolmentError(_l("You are already taking this course in another group."))
        return existing
    if cohort.archived_at is not None:
        raise EnrolmentError(_l("This group has finished and takes no new students."))
    enrolment = Enrolment(
        cohort_id=cohort.id, course_id=cohort.course_id, user_id=user.id, enrolled_at=utcnow()
    )
    # A double click on "Join": the other request may have enrolled the student a moment ago.
    enrolment, created = add_or_take_winner(
        enrolment, lambda: enrolment_for(user.id, cohort.course_id)
    )
    if not created:
        if enrolment.cohort_id != cohort.id:
            raise EnrolmentError(_l("You are already taking this course in another group."))
        return enrolment
    return enrolment


def recount_course(course_id: int) -> None:
    """Derive the progress summary of the course's enrolments again (after an import changed
    which modules count)."""
    summary.recount(Enrolment.course_id == course_id)


def recount_cohort(cohort_id: int) -> None:
    """Derive the progress summary of the cohort's enrolments again (after a bulk load)."""
    summary.recount(Enrolment.cohort_id == cohort_id)


def student_count(cohort_id: int) -> int:
    return db.session.scalars(
        select(func.count()).select_from(Enrolment).where(Enrolment.cohort_id == cohort_id)
    ).one()


def reviewer_cohort_ids(user_id: int) -> set[int]:
    return set(
        db.session.scalars(
            db.select(CohortReviewer.cohort_id).where(CohortReviewer.user_id == user_id)
        )
    )


def reviews_course(user_id: int, course_id: int) -> bool:
    return (
        db.session.scalars(
            select(func.count())
            .select_from(CohortReviewer)
            .join(Cohort)
            .where(CohortReviewer.user_id == user_id, Cohort.course_id == course_id)
        ).one()
        > 0
    )


def assign_reviewer(cohort: Cohort, user: User) -> CohortReviewer:
    existing = db.session.scalar(
        select(CohortReviewer).where(
            CohortReviewer.cohort_id == cohort.id, CohortReviewer.user_id == user.id
        )
    )
    if existing:
        return existing
    assignment = CohortReviewer(cohort_id=cohort.id, user_id=user.id)
    assignment, created = add_or_take_winner(  # another admin may have assigned them just now
        assignment,
        lambda: db.session.scalars(
            select(CohortReviewer).where(
                CohortReviewer.cohort_id == cohort.id, CohortReviewer.user_id == user.id
            )
        ).first(),
    )
    if not created:
        return assignment
    record("cohort.reviewer_assigned", target=cohort, reviewer_id=user.id)
    return assignment


# --- administration (the admin console and ``flask cohorts``) ------------------------------


def update_cohort(
    cohort: Cohort,
    *,
    name: str,
    starts_on: date | None,
    ends_on: date | None,
    default_locale: str,
    sequential: bool,
    loaded: str | None = None,
) -> Cohort:
    """Change a cohort's settings; the audit log keeps what changed.

    ``loaded`` is the ``settings_fingerprint`` the edit form was loaded with: if another admin
    saved different settings meanwhile, ``CohortChanged`` (nothing changed), rather than
    silently undoing their edit. Sending the settings the cohort already has (a double click)
    is fine. The row is locked, so two saves at once are checked one after the other."""
    db.session.scalars(  # fetched, so that populate_existing refreshes ``cohort``
        db.select(Cohort)
        .where(Cohort.id == cohort.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    ensure_writable(cohort)
    new = {
        "name": name.strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "default_locale": default_locale,
        "sequential": sequential,
    }
    current = settings_fingerprint(cohort)
    if loaded and loaded != current and _fingerprint(new) != current:
        raise CohortChanged(
            _l(
                "Another administrator saved changes to this group while you were editing it. "
                "Nothing was saved; what you entered is kept below. Check the group's current "
                "settings, then save again to replace them."
            )
        )
    changed = {
        key: [_plain(getattr(cohort, key)), _plain(value)]
        for key, value in new.items()
        if getattr(cohort, key) != value
    }
    for key, value in new.items():
        setattr(cohort, key, value)
    db.session.flush()
    if changed:
        record("cohort.updated", target=cohort, changed=changed)
    return cohort


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def regenerate_invite(cohort: Cohort) -> str:
    """A new invite code; the old link stops working at once."""
    ensure_writable(cohort)
    cohort.invite_code = new_invite_code()
    db.session.flush()
    record("cohort.invite_regenerated", target=cohort)
    return cohort.invite_code


EDITABLE = ("name", "starts_on", "ends_on", "default_locale", "sequential")


def settings_fingerprint(cohort: Cohort) -> str:
    """A short digest of the editable settings, carried by the edit form."""
    return _fingerprint({key: getattr(cohort, key) for key in EDITABLE})


def _fingerprint(values: Mapping[str, object]) -> str:
    text = "\x1f".join(str(_plain(values[key])) for key in EDITABLE)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def set_invite_open(cohort: Cohort, is_open: bool) -> None:
    ensure_writable(cohort)
    if cohort.invite_open != is_open:
        cohort.invite_open = is_open
        db.session.flush()
        record("cohort.invite_opened" if is_open else "cohort.invite_closed", target=cohort)


def archive_cohort(cohort: Cohort) -> None:
    """Make a finished cohort read-only: no enrolment, no edits; it stays in the reports."""
    ensure_writable(cohort)
    cohort.archived_at = utcnow()
    cohort.invite_open = False
    db.session.flush()
    record("cohort.archived", target=cohort)


def remove_reviewer(cohort: Cohort, user_id: int) -> bool:
    """End an assignment; the policy reads assignments per request, so it takes effect on the
    reviewer's next request. True if there was one."""
    ensure_writable(cohort)
    result = db.session.execute(
        db.delete(CohortReviewer).where(
            CohortReviewer.cohort_id == cohort.id, CohortReviewer.user_id == user_id
        )
    )
    # A DELETE answers with a CursorResult, which knows how many rows it removed.
    removed = cast("CursorResult[Any]", result).rowcount
    if removed:
        record("cohort.reviewer_removed", target=cohort, reviewer_id=user_id)
    return bool(removed)


def reviewer_ids(cohort_id: int) -> list[int]:
    return list(
        db.session.scalars(
            db.select(CohortReviewer.user_id)
            .where(CohortReviewer.cohort_id == cohort_id)
            .order_by(CohortReviewer.id)
        )
    )
