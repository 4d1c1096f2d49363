"""Homework for students: drafts, submitting, revising, and what other domains may ask.

Services flush; the request commits. Screenshot files are written before the commit and removed
again by ``app.storage`` if the request rolls back, so no attempt points to a missing file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import storage
from app.cohorts import services as cohorts
from app.cohorts.models import LATE_REFUSE
from app.db import utcnow
from app.errors import ConflictError, DomainError
from app.extensions import db
from app.homework.models import (
    CLAIM_MAX,
    MAX_EVIDENCE,
    MAX_SCREENSHOTS,
    METHOD_MAX,
    NOTE_MAX,
    PLATFORM_MAX,
    REASONING_MAX,
    URL_MAX,
    Evidence,
    Screenshot,
    Status,
    Submission,
    Verdict,
)
from app.homework.policy import can_edit_submission, can_revise
from app.homework.states import HomeworkState as HomeworkState
from app.homework.states import attempt_state as attempt_state
from app.homework.states import homework_states as homework_states
from app.homework.states import states_from_attempts as states_from_attempts
from app.homework.states import visible_status as visible_status
from app.learning.models import Module
from app.unit_of_work import add_or_take_winner

if TYPE_CHECKING:
    from werkzeug.datastructures import FileStorage

    from app.auth.models import User


class HomeworkError(DomainError, ValueError):
    """A rule was broken; ``str(error)`` is a translated message. Nothing was changed."""


class Conflict(HomeworkError, ConflictError):
    """The attempt changed since the form was loaded (answer 409)."""


class NotEditable(HomeworkError):
    """The latest attempt is not a draft: submitted, graded, or returned (then a revision is
    what changes it)."""


# --- reading -------------------------------------------------------------------------------


def attempts(user_id: int, module_id: int) -> list[Submission]:
    """Every attempt, newest first (evidence, screenshots and reviews loaded with it)."""
    return list(
        db.session.scalars(
            db.select(Submission)
            .where(Submission.user_id == user_id, Submission.module_id == module_id)
            .order_by(Submission.attempt_no.desc())
        )
    )


def latest(user_id: int, module_id: int) -> Submission | None:
    found = attempts(user_id, module_id)
    return found[0] if found else None


def editable_attempt(user: User | Any, attempts: Sequence[Submission]) -> Submission | None:
    """The attempt the form edits: the latest one (``attempts`` newest first), when it is the
    student's draft; None when there is none yet or it is no longer a draft."""
    current = attempts[0] if attempts else None
    return current if current is not None and can_edit_submission(user, current) else None


def check_editable(
    user: User | Any, submission: Submission | None, version: int | None = None
) -> None:
    """Raise unless ``user`` may change ``submission`` now (None: a first draft is made).

    A returned attempt is changed through a revision; a submitted or graded one not at all;
    a draft only from a form loaded at its current ``version`` (``Conflict`` otherwise)."""
    if submission is None:
        return
    if can_revise(user, submission):
        raise NotEditable(_l("This attempt was returned. Start a revision to change it."))
    if not can_edit_submission(user, submission):
        raise NotEditable(_l("This homework has been submitted and can no longer be changed."))
    if version is not None and submission.version != version:
        raise Conflict(_l("This homework was changed in another window. Reload the page."))


def latest_for_update(user_id: int, module_id: int) -> Submission | None:
    """The latest attempt as it is now, for a read-modify-write: the student's attempts of the
    module are locked first (PostgreSQL row locks; on SQLite the write transaction already
    excludes other writers), so a concurrent request of the same student (a double click,
    another tab) waits for this one and then sees what it did, instead of failing on a stale
    version or a duplicate attempt number."""
    db.session.execute(
        db.select(Submission.id)
        .where(Submission.user_id == user_id, Submission.module_id == module_id)
        .with_for_update()
    )
    # A new statement: it also sees an attempt a concurrent request committed while we waited.
    return db.session.scalars(
        db.select(Submission)
        .where(Submission.user_id == user_id, Submission.module_id == module_id)
        .order_by(Submission.attempt_no.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    ).first()


def _first_attempt(user_id: int, module_id: int, cohort_id: int) -> tuple[Submission, bool]:
    """A new first draft (and True), or the attempt a concurrent request of the same student
    created a moment ago (the unique attempt number decides; the loser goes on with the
    winner's, under the same checks as any later request)."""
    draft = Submission(
        user_id=user_id, module_id=module_id, cohort_id=cohort_id, attempt_no=1, status=Status.DRAFT
    )
    return add_or_take_winner(draft, lambda: latest_for_update(user_id, module_id))


# --- the fact-check data -------------------------------------------------------------------


@dataclass
class FactCheck:
    """What the student typed, already cleaned by the form."""

    claim: str = ""
    claim_url: str | None = None
    platform: str | None = None
    verdict: Verdict | None = None
    method: str = ""
    reasoning: str = ""
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (url, note)


def safe_url(raw: str) -> str:
    """An http(s) URL with a host, scheme lower-cased; ``HomeworkError`` for anything else
    (``javascript:``, ``data:``, a scheme hidden behind spaces or mixed case, credentials)."""
    value = (raw or "").strip()
    if not value or len(value) > URL_MAX or any(ord(ch) < 33 or ord(ch) == 127 for ch in value):
        raise HomeworkError(_l("Enter a full web address starting with http:// or https://."))
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        raise HomeworkError(_l("Enter a full web address starting with http:// or https://."))
    return urlunsplit(parts._replace(scheme=parts.scheme.lower()))


def check_lengths(data: FactCheck) -> None:
    limits = [
        (data.claim, CLAIM_MAX),
        (data.method, METHOD_MAX),
        (data.reasoning, REASONING_MAX),
        (data.platform or "", PLATFORM_MAX),
    ]
    if (
        any(len(value) > limit for value, limit in limits)
        or len(data.evidence) > MAX_EVIDENCE
        or any(len(note) > NOTE_MAX for _url, note in data.evidence)
    ):
        raise HomeworkError(_l("Some text is too long."))


# --- writing -------------------------------------------------------------------------------


def save_draft(
    user: User,
    module: Module,
    cohort_id: int,
    data: FactCheck,
    *,
    language: str,
    new_images: Sequence[FileStorage | storage.StoredImage] = (),
    remove_ids: Iterable[int] = (),
    version: int | None = None,
) -> Submission:
    """Create or update the student's draft for ``module``, with its screenshots."""
    check_lengths(data)
    current, created = latest_for_update(user.id, module.id), False
    if current is None:
        current, created = _first_attempt(user.id, module.id, cohort_id)
    if not created:
        check_editable(user, current, version)
    _apply(current, data, language)
    _update_screenshots(current, new_images, set(remove_ids))
    current.updated_at = utcnow()
    db.session.flush()
    cohorts.note_activity(user.id, current.updated_at, cohort_id=current.cohort_id)
    return current


def _apply(submission: Submission, data: FactCheck, language: str) -> None:
    submission.claim = data.claim
    submission.claim_url = data.claim_url
    submission.platform = data.platform
    submission.verdict = data.verdict
    submission.method = data.method
    submission.reasoning = data.reasoning
    submission.language = language
    # Reuse the rows already there: replacing them would insert the new rows before the old
    # ones are deleted, against the unique (submission, position).
    rows = list(submission.evidence)[: len(data.evidence)]
    for row, (url, note) in zip(rows, data.evidence, strict=False):
        row.url, row.note = url, note
    rows += [
        Evidence(position=i, url=url, note=note)
        for i, (url, note) in enumerate(data.evidence[len(rows) :], len(rows) + 1)
    ]
    submission.evidence = rows


def _update_screenshots(
    submission: Submission,
    new_images: Sequence[FileStorage | storage.StoredImage],
    remove: set[int],
) -> None:
    kept = [s for s in submission.screenshots if s.id not in remove]
    # Uploads, or images ``app.homework.saving`` has already checked and stored.
    images = [f for f in new_images if isinstance(f, storage.StoredImage) or (f and f.filename)]
    if len(kept) + len(images) > MAX_SCREENSHOTS:
        raise HomeworkError(_l("You can attach at most %(n)d screenshots.", n=MAX_SCREENSHOTS))
    for shot in submission.screenshots:
        if shot.id in remove and not _shared(shot):
            storage.delete_later(shot.stored_name)
    stored = [  # save_image raises UploadError; rollback cleans up
        f if isinstance(f, storage.StoredImage) else storage.save_image(f) for f in images
    ]
    submission.screenshots = kept
    db.session.flush()
    for position, shot in enumerate(submission.screenshots, 1):
        shot.position = -position  # out of the way of the unique (submission, position)
    db.session.flush()
    for position, shot in enumerate(submission.screenshots, 1):
        shot.position = position
    for image in stored:
        submission.screenshots.append(
            Screenshot(
                position=len(submission.screenshots) + 1,
                stored_name=image.name,
                format=image.format,
                width=image.width,
                height=image.height,
                size=image.size,
                sha256=image.sha256,
            )
        )


def _shared(shot: Screenshot) -> bool:
    """Another attempt (a revision) uses the same file."""
    return (
        db.session.scalars(
            select(func.count())
            .select_from(Screenshot)
            .where(Screenshot.stored_name == shot.stored_name, Screenshot.id != shot.id)
        ).one()
        > 0
    )


def missing_for_submit(submission: Submission) -> list[str]:
    missing = []
    if not submission.claim.strip():
        missing.append(str(_l("the claim")))
    if submission.verdict is None:
        missing.append(str(_l("the verdict")))
    if not submission.evidence:
        missing.append(str(_l("at least one evidence link")))
    if not submission.reasoning.strip():
        missing.append(str(_l("the reasoning")))
    return missing


class DeadlinePassed(HomeworkError):
    """The cohort refuses work after the due date, and it has passed (nothing is written)."""


def is_late(user: User, module: Module, attempt_no: int = 1) -> bool:
    """Whether handing in now is after the student's due date (extension included). Raises
    ``DeadlinePassed`` when the cohort refuses late work. A revision of returned work is
    never late: the due date is for the first hand-in."""
    if attempt_no != 1:
        return False
    enrolment = cohorts.enrolment_for(user.id, module.course_id)
    if enrolment is None:
        return False
    due = cohorts.due_for(enrolment, module)
    if due is None or not due.is_past(utcnow()):
        return False
    if enrolment.cohort.late_policy == LATE_REFUSE:
        raise DeadlinePassed(
            _l("The deadline for this homework has passed, so it can no longer be handed in.")
        )
    return True


def submit(user: User, submission: Submission, version: int | None = None) -> Submission:
    """Hand the draft in for review. A second click on the same form changes nothing. Work
    handed in after the due date is marked late, or refused (``DeadlinePassed``), as the
    cohort decides."""
    if submission.user_id != user.id:
        raise HomeworkError(_l("This is not your homework."))
    if submission.status != Status.DRAFT:
        raise HomeworkError(_l("This homework has already been submitted."))
    if version is not None and submission.version != version:
        raise Conflict(_l("This homework was changed in another window. Reload the page."))
    missing = missing_for_submit(submission)
    if missing:
        raise HomeworkError(_l("Before submitting, add: %(fields)s.", fields=", ".join(missing)))
    module = db.session.get_one(Module, submission.module_id)
    submission.late = is_late(user, module, submission.attempt_no)
    submission.status = Status.SUBMITTED
    submission.submitted_at = submission.updated_at = utcnow()
    db.session.flush()
    cohorts.note_activity(user.id, submission.updated_at, cohort_id=submission.cohort_id)
    return submission


def start_revision(user: User, module: Module) -> Submission:
    """A new draft attempt copied from the returned one (which stays as it was). A second click
    (or another tab) while the revision was being started gets the revision it started."""
    current = latest_for_update(user.id, module.id)
    if current is not None and can_edit_submission(user, current) and current.attempt_no > 1:
        return current
    if current is None or not can_revise(user, current):
        raise HomeworkError(_l("Only a returned homework can be revised."))
    now = utcnow()
    draft = Submission(
        user_id=user.id,
        module_id=module.id,
        cohort_id=current.cohort_id,
        attempt_no=current.attempt_no + 1,
        status=Status.DRAFT,
        language=current.language,
        created_at=now,
        updated_at=now,
    )
    _apply(
        draft,
        FactCheck(
            claim=current.claim,
            claim_url=current.claim_url,
            platform=current.platform,
            verdict=current.verdict,
            method=current.method,
            reasoning=current.reasoning,
            evidence=[(e.url, e.note) for e in current.evidence],
        ),
        current.language,
    )
    draft.screenshots = [
        Screenshot(
            position=s.position,
            stored_name=s.stored_name,
            format=s.format,
            width=s.width,
            height=s.height,
            size=s.size,
            sha256=s.sha256,
        )
        for s in current.screenshots
    ]
    db.session.add(draft)
    db.session.flush()
    cohorts.note_activity(user.id, now, cohort_id=draft.cohort_id)
    return draft


def referenced_files() -> set[str]:
    return set(db.session.scalars(db.select(Screenshot.stored_name).distinct()))
