"""Issuing, finding and revoking certificates. Services flush; the caller commits.

Learning announces a completed course (``app.learning.signals.course_completed``) and
``app.certificates.receivers`` issues the certificate; other domains call ``certificates_of``.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.auth.models import User
from app.certificates import codes, credential, status_list
from app.certificates.jsonld import clean_text
from app.certificates.models import Certificate, RevocationReason
from app.cohorts import services as cohorts
from app.cohorts.models import Cohort
from app.db import utcnow
from app.extensions import db
from app.languages import LANGUAGES
from app.learning import services as learning
from app.learning.models import Course

NOTE_MAX = 2000
_ATTEMPTS = 8  # fresh codes/indices to try if a random one collides (in practice: never)


class CertificateError(ValueError):
    """A certificate cannot be issued or changed as asked; nothing was changed."""


class NotComplete(CertificateError):
    """The student has not completed every module of the course."""


def find_by_code(code: str | None) -> Certificate | None:
    canonical = codes.normalise(code)
    if canonical is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == canonical))


def certificate_for(user_id: int, course_id: int) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.course_id == course_id
        )
    )


def certificates_of(user_id: int) -> list[Certificate]:
    return list(
        db.session.scalars(
            db.select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.id)
        )
    )


def _completion_date(user_id: int, course: Course) -> date:
    """The day (in the platform's time zone) the last module was completed."""
    last = learning.last_completed_at(user_id, course.id)
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")
    return (last or utcnow()).astimezone(zone).date()


def issue_certificate(user_id: int, course_id: int, cohort_id: int) -> Certificate:
    """Issue the certificate of ``user_id`` for ``course_id``, exactly once.

    Refuses (``NotComplete``) unless every module of the course is complete. Returns the
    existing certificate when there is one, including when a concurrent request issued it
    a moment ago (the unique constraint decides; the loser's SAVEPOINT rolls back).
    """
    existing = certificate_for(user_id, course_id)
    if existing is not None:
        return existing
    user = db.session.get(User, user_id)
    course = db.session.get(Course, course_id)
    cohort = db.session.get(Cohort, cohort_id)
    if user is None or course is None or cohort is None or cohort.course_id != course_id:
        raise CertificateError("unknown student, course or cohort")
    if not learning.course_progress(user_id, course, cohort).is_complete:
        raise NotComplete("the course is not complete")

    lang = user.locale if user.locale in LANGUAGES else cohort.default_locale
    holder_name = clean_text(user.name)
    completed_on = _completion_date(user_id, course)
    for _attempt in range(_ATTEMPTS):
        issued_at = utcnow()
        code = codes.new_code()
        # A used code or status index (1 in 131,072) is refused by its unique constraint
        # below and drawn again: no query to look first.
        index = status_list.random_index()
        unsigned = credential.build(
            code=code,
            holder_name=holder_name,
            email=user.email,
            course=course,
            lang=lang,
            status_index=index,
            issued_at=issued_at,
        )
        certificate = Certificate(
            code=code,
            user_id=user_id,
            course_id=course_id,
            cohort_id=cohort_id,
            holder_name=holder_name,
            lang=lang,
            completed_on=completed_on,
            issued_at=issued_at,
            status_index=index,
            credential=credential.issue(unsigned, issued_at=issued_at),
        )
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
        except IntegrityError:
            existing = certificate_for(user_id, course_id)
            if existing is not None:
                return existing
            continue  # a code or index collided with a concurrent issue: draw again
        record(
            "certificate.issued",
            target=certificate,
            user_id=user_id,
            course_id=course_id,
            cohort_id=cohort_id,
            code=code,
        )
        db.session.flush()
        return certificate
    raise CertificateError("could not allocate a certificate code")


def issue_if_complete(user_id: int, course_id: int) -> Certificate | None:
    """Issue when the student's course is complete, else do nothing (``receivers`` calls it
    when learning announces a completed course)."""
    enrolment = cohorts.enrolment_for(user_id, course_id)
    if enrolment is None:
        return None
    try:
        return issue_certificate(user_id, course_id, enrolment.cohort_id)
    except NotComplete:
        return None


def revoke(certificate: Certificate, *, reason: str, note: str, actor: User | None) -> None:
    """Revoke with a reason category; the status list is re-signed in the same transaction."""
    try:
        category = RevocationReason(reason)
    except ValueError:
        raise CertificateError("unknown revocation reason") from None
    if certificate.is_revoked:
        raise CertificateError("the certificate is already revoked")
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = category.value
    certificate.revoked_note = (note or "").strip()[:NOTE_MAX] or None
    certificate.revoked_by_id = getattr(actor, "id", None)
    db.session.flush()
    status_list.republish()
    record(
        "certificate.revoked",
        actor=actor,
        target=certificate,
        code=certificate.code,
        reason=category.value,
        note=certificate.revoked_note,
    )
    db.session.flush()


def all_certificates(limit: int = 500) -> list[Certificate]:
    """Newest first (for the CLI check and admin lists)."""
    return list(
        db.session.scalars(
            db.select(Certificate).order_by(Certificate.issued_at.desc()).limit(limit)
        )
    )


def certificates_in_cohort(cohort_id: int) -> list[Certificate]:
    """For the admin console's list (course eager-loaded; newest first)."""
    return list(
        db.session.scalars(
            db.select(Certificate)
            .where(Certificate.cohort_id == cohort_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def issued_counts(cohort_ids: list[int]) -> dict[int, int]:
    """Certificates issued per cohort, in one grouped query (for dashboards)."""
    rows = db.session.execute(
        db.select(Certificate.cohort_id, db.func.count())
        .where(Certificate.cohort_id.in_(cohort_ids))
        .group_by(Certificate.cohort_id)
    ).all()
    counts = dict.fromkeys(cohort_ids, 0)
    counts.update({cohort_id: n for cohort_id, n in rows})
    return counts
