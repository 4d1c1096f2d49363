"""Saving the fact-check form so that an error never costs the student their screenshots.

On a phone, choosing five screenshots again after a typo in a link is the work most likely to be
given up. So each chosen file is checked on its own: when the form is fine and every file is
accepted, the draft is saved (and submitted) as one change through ``services``; when anything
is wrong, nothing the student typed is written, but the accepted screenshots are attached to
the draft (made if there is none) and the refused ones are named with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import g
from flask_babel import gettext as _

from app import storage
from app.extensions import db
from app.homework import services
from app.homework.forms import BAD_FILE_NAME, bad_file_name
from app.homework.models import MAX_SCREENSHOTS, Submission
from app.homework.policy import can_edit_submission

NAME_SHOWN_MAX = 120


@dataclass(frozen=True)
class Refusal:
    """A chosen file that was not attached: its name as the student knows it, and why."""

    name: str
    reason: str


@dataclass
class Outcome:
    saved: bool = False  # everything was saved (and submitted if asked): redirect
    submission: Submission | None = None  # the attempt as it now stands
    errors: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    kept: int = 0  # screenshots attached although the form had errors (commit them)


def shown_name(name: str) -> str:
    """The file name for a message: control characters replaced, very long names shortened
    (the page escapes it and lets it wrap)."""
    clean = "".join(
        "\N{REPLACEMENT CHARACTER}" if ord(ch) < 32 or ord(ch) == 127 else ch for ch in name
    )
    return clean if len(clean) <= NAME_SHOWN_MAX else clean[: NAME_SHOWN_MAX - 1] + "…"


def screen(files: Iterable) -> tuple[list[tuple[str, storage.StoredImage]], list[Refusal]]:
    """Check and store each chosen file on its own; (name, image) for the accepted ones.

    Stored files are deleted again by ``app.storage`` unless the request commits."""
    accepted, refused = [], []
    for upload in files or []:
        name = getattr(upload, "filename", None) or ""
        if not name:  # the empty part a browser sends when no file was chosen
            continue
        if bad_file_name(name):
            refused.append(Refusal(shown_name(name), str(BAD_FILE_NAME)))
            continue
        try:
            accepted.append((name, storage.save_image(upload)))
        except storage.UploadError as exc:
            refused.append(Refusal(shown_name(name), str(exc)))
    return accepted, refused


def save_form(
    user,
    module,
    cohort_id: int,
    data: services.FactCheck | None,
    *,
    files: Sequence,
    remove_ids: Iterable[int],
    version: int,
    language: str,
    submit: bool,
) -> Outcome:
    """Save (and submit) the form, or keep only its accepted screenshots.

    ``data`` is None when the form itself had errors. Raises ``services.Conflict`` when the
    draft changed in another window (then nothing is kept). A returned or submitted attempt
    is not changed at all, and no chosen file is looked at."""
    current = services.latest(user.id, module.id)
    try:
        services.check_editable(user, current)
        if submit:  # past a hard deadline nothing is written, not even the draft
            services.is_late(user, module, current.attempt_no if current else 1)
    except (services.NotEditable, services.DeadlinePassed) as exc:
        return Outcome(submission=current, errors=[str(exc)])
    accepted, refused = screen(files)
    remove = set(remove_ids)
    staying = [s for s in (current.screenshots if current else []) if s.id not in remove]
    room = max(0, MAX_SCREENSHOTS - len(staying))
    if data is not None and not refused and len(accepted) <= room:
        try:
            with _savepoint():
                saved = services.save_draft(
                    user,
                    module,
                    cohort_id,
                    data,
                    language=language,
                    new_images=[image for _name, image in accepted],
                    remove_ids=remove,
                    version=version,
                )
                if submit:
                    services.submit(user, saved)
            return Outcome(saved=True, submission=saved)
        except services.Conflict:
            raise
        except services.HomeworkError as exc:
            outcome = Outcome(errors=[str(exc)])
    else:
        outcome = Outcome()
    outcome.refused = refused
    outcome.submission, outcome.kept, over = keep_screenshots(
        user, module, cohort_id, accepted, language=language, version=version
    )
    too_many = _("There is no room for it: at most %(n)d screenshots.", n=MAX_SCREENSHOTS)
    outcome.refused += [Refusal(shown_name(name), too_many) for name, _image in over]
    return outcome


def keep_screenshots(
    user, module, cohort_id: int, accepted: list, *, language: str, version: int
) -> tuple[Submission | None, int, list]:
    """Attach accepted screenshots to the student's draft and change nothing else in it.

    Returns the draft, how many were attached, and the (name, image) pairs past the limit
    (their files are dropped)."""
    current = services.latest(user.id, module.id)
    if current is not None and not can_edit_submission(user, current):
        return current, 0, []  # the page does not offer the form then; nothing to keep
    room = MAX_SCREENSHOTS - (len(current.screenshots) if current else 0)
    fits, over = accepted[: max(0, room)], accepted[max(0, room) :]
    for _name, image in over:
        storage.delete_later(image.name)
    if not fits:
        return current, 0, over
    saved = services.save_draft(
        user,
        module,
        cohort_id,
        _as_it_is(current),
        language=current.language if current else language,
        new_images=[image for _name, image in fits],
        version=version,
    )
    return saved, len(fits), over


def _as_it_is(submission: Submission | None) -> services.FactCheck:
    if submission is None:
        return services.FactCheck()
    return services.FactCheck(
        claim=submission.claim,
        claim_url=submission.claim_url,
        platform=submission.platform,
        verdict=submission.verdict,
        method=submission.method,
        reasoning=submission.reasoning,
        evidence=[(e.url, e.note) for e in submission.evidence],
    )


@contextmanager
def _savepoint():
    """A savepoint that also forgets the file deletions scheduled inside it when it rolls back
    (a removed screenshot whose removal was undone must keep its file)."""
    doomed = list(g.get(storage.DOOMED, []))
    try:
        with db.session.begin_nested():
            yield
    except BaseException:
        g.setdefault(storage.DOOMED, [])[:] = doomed
        raise
