"""Enrolment from a CSV: upload and preview, then confirm in one transaction, then invite.

``preview_import`` reads the file as a stream, checks every row and looks existing accounts up
in chunks (one query per chunk, never per row), and stores the outcome of each row in an
``EnrolmentImport``; nothing else is written. ``confirm_import`` checks the rows again against
the database as it is now and inserts accounts, role grants and enrolments in bulk; a second
confirm of the same preview changes nothing. New accounts get an invitation with a link to
set their password, sent by a job enqueued at the commit (``app/cohorts/jobs.py``), in batches of
their own transactions, so ten thousand rows never hold a request while mail goes out.
"""

from __future__ import annotations

import enum
import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.auth.models import RoleGrant, User
from app.cohorts.csvparse import DEFAULT_MAX_ROWS, FileProblem, Reason, read_rows
from app.cohorts.errors import EnrolmentError
from app.cohorts.jobs import send_import_invitations
from app.cohorts.models import Cohort, Enrolment, EnrolmentImport
from app.cohorts.policy import ensure_writable
from app.db import utcnow
from app.extensions import db
from app.jobs import on_commit
from app.policy import Role

__all__ = ["FileProblem", "Outcome", "Reason", "confirm_import", "preview_import"]

CHUNK = 500
PREVIEW_DAYS = 7
LINE, NAME, EMAIL, LOCALE, OUTCOME, REASON, DETAIL = range(7)


class Outcome(enum.StrEnum):
    NEW = "new"  # a new account will be created and invited
    EXISTING = "existing"  # an existing account will be enrolled
    ENROLLED = "enrolled"  # already in this cohort: nothing to do
    ERROR = "error"  # not imported; REASON says why


class ImportConflict(EnrolmentError):
    """The database changed under the import (an account appeared at the same moment)."""


def max_rows() -> int:
    return int(current_app.config.get("ENROL_MAX_ROWS", DEFAULT_MAX_ROWS))


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def classify(cohort: Cohort, rows: list[list]) -> None:
    """Set each checked row's outcome from the database, one query per ``CHUNK`` rows."""
    todo = [row for row in rows if row[OUTCOME] != Outcome.ERROR]
    for chunk in _chunks(todo):
        found = {
            email: (user_id, active, cohort_id)
            for user_id, email, active, cohort_id in db.session.execute(
                db.select(User.id, User.email, User.active, Enrolment.cohort_id)
                .outerjoin(
                    Enrolment,
                    (Enrolment.user_id == User.id) & (Enrolment.course_id == cohort.course_id),
                )
                .where(User.email.in_([row[EMAIL] for row in chunk]))
            )
        }
        for row in chunk:
            hit = found.get(row[EMAIL])
            row[REASON] = row[DETAIL] = None
            if hit is None:
                row[OUTCOME] = Outcome.NEW
                continue
            user_id, active, enrolled_in = hit
            row[DETAIL] = user_id
            if not active:
                row[OUTCOME], row[REASON] = Outcome.ERROR, Reason.INACTIVE
            elif enrolled_in == cohort.id:
                row[OUTCOME] = Outcome.ENROLLED
            elif enrolled_in is not None:
                row[OUTCOME], row[REASON] = Outcome.ERROR, Reason.OTHER_COHORT
            else:
                row[OUTCOME] = Outcome.EXISTING


def count_outcomes(rows: list[list]) -> dict[str, int]:
    counts = Counter(row[OUTCOME] for row in rows)
    return {outcome.value: counts.get(outcome, 0) for outcome in Outcome} | {"total": len(rows)}


def preview_import(
    cohort: Cohort,
    stream: BinaryIO,
    filename: str,
    *,
    actor,
    progress: Callable[[int], None] | None = None,
) -> EnrolmentImport:
    """Check the file and store its preview. Raises ``FileProblem`` for an unreadable file
    (and then stores nothing) and ``CohortArchived`` for an archived cohort."""
    ensure_writable(cohort)
    rows = [
        [r.line, r.name, r.email, r.locale, Outcome.ERROR if r.reason else None, r.reason, r.detail]
        for r in read_rows(stream, max_rows=max_rows(), progress=progress)
    ]
    classify(cohort, rows)
    db.session.execute(
        db.delete(EnrolmentImport).where(
            EnrolmentImport.status == "previewed",
            EnrolmentImport.created_at < utcnow() - timedelta(days=PREVIEW_DAYS),
        )
    )
    preview = EnrolmentImport(
        token=secrets.token_urlsafe(32),
        cohort_id=cohort.id,
        created_by_id=getattr(actor, "id", None),
        filename=(filename or "")[:200],
        status="previewed",
        rows=rows,
        counts=count_outcomes(rows),
        pending_invites=[],
        invites_sent=0,
    )
    db.session.add(preview)
    db.session.flush()
    return preview


def find_import(cohort: Cohort, token: str) -> EnrolmentImport | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        db.select(EnrolmentImport).where(
            EnrolmentImport.token == token, EnrolmentImport.cohort_id == cohort.id
        )
    )


def recent_imports(cohort_id: int, limit: int = 10) -> list[EnrolmentImport]:
    """The cohort's latest enrolment files, newest first (the cohort page lists them)."""
    return list(
        db.session.scalars(
            db.select(EnrolmentImport)
            .where(EnrolmentImport.cohort_id == cohort_id)
            .order_by(EnrolmentImport.id.desc())
            .limit(limit)
        )
    )


def confirm_import(preview: EnrolmentImport, cohort: Cohort, *, actor, invite: bool = True) -> bool:
    """Apply a preview in the caller's transaction; False (and nothing changed) if it was
    confirmed already. The rows are checked again, since accounts may have appeared since.
    With ``invite``, the invitations job is enqueued when the transaction commits."""
    ensure_writable(cohort)
    now = utcnow()
    claimed = db.session.execute(
        db.update(EnrolmentImport)
        .where(EnrolmentImport.id == preview.id, EnrolmentImport.status == "previewed")
        .values(status="confirmed", confirmed_at=now, confirmed_by_id=getattr(actor, "id", None))
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False
    rows = [list(row) for row in preview.rows]
    classify(cohort, rows)
    try:
        new_ids = _create_accounts(cohort, [r for r in rows if r[OUTCOME] == Outcome.NEW])
        user_ids = new_ids + [r[DETAIL] for r in rows if r[OUTCOME] == Outcome.EXISTING]
        _enrol_all(cohort, user_ids, now)
    except IntegrityError as exc:
        raise ImportConflict(
            _l(
                "Someone else changed these accounts at the same moment. Nothing was imported; "
                "upload the file again."
            )
        ) from exc
    db.session.refresh(preview)
    preview.rows = rows
    preview.counts = count_outcomes(rows)
    preview.pending_invites = new_ids
    db.session.flush()
    record(
        "cohort.enrolment_imported",
        actor=actor,
        target=cohort,
        import_id=preview.id,
        filename=preview.filename,
        counts=preview.counts,
    )
    if invite and new_ids:
        queue_invitations(preview)
    return True


def queue_invitations(preview: EnrolmentImport) -> None:
    """Send the import's waiting invitations from the queue, after the commit."""
    on_commit(send_import_invitations, preview.id)


def _create_accounts(cohort: Cohort, rows: list[list]) -> list[int]:
    """Insert the new accounts in bulk (no password: the invitation sets one)."""
    ids: list[int] = []
    now = utcnow()
    for chunk in _chunks(rows, 1000):
        created = db.session.execute(
            insert(User.__table__).returning(User.__table__.c.id, sort_by_parameter_order=True),
            [
                {
                    "email": row[EMAIL],
                    "name": row[NAME],
                    "password_hash": None,
                    "locale": row[LOCALE] or cohort.default_locale,
                    "active": True,
                    "created_at": now,
                }
                for row in chunk
            ],
        ).scalars()
        chunk_ids = list(created)
        for row, user_id in zip(chunk, chunk_ids, strict=True):
            row[DETAIL] = user_id
        ids.extend(chunk_ids)
    for chunk in _chunks(ids, 1000):
        db.session.execute(
            insert(RoleGrant.__table__),
            [{"user_id": uid, "role": Role.STUDENT, "granted_at": now} for uid in chunk],
        )
    return ids


def _enrol_all(cohort: Cohort, user_ids: list[int], now) -> None:
    for chunk in _chunks(user_ids, 1000):
        db.session.execute(
            insert(Enrolment.__table__),
            [
                {
                    "cohort_id": cohort.id,
                    "course_id": cohort.course_id,
                    "user_id": uid,
                    "enrolled_at": now,
                }
                for uid in chunk
            ],
        )
