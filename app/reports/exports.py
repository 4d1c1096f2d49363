"""Exports of a cohort: CSV (the student table, the grades) and JSON (progress for other tools).

Each export is a generator over a ``CohortInfo``: the response streams while a few queries
stream their rows, so neither the cohort nor its progress sits in memory. CSV starts with a
UTF-8 BOM so spreadsheets read Cyrillic correctly, and text that a spreadsheet would take for
a formula gets a leading apostrophe (see ``streaming``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.db import utcnow
from app.extensions import db
from app.homework.models import Review, ReviewScore, Status, Submission
from app.learning.content import pick
from app.learning.models import RubricCriterion
from app.reports.labels import MODULE_STATES
from app.reports.streaming import STREAM, CohortInfo, ModuleInfo, csv_lines, student_records


def students_csv(info: CohortInfo, locale: str) -> Iterator[str]:
    header = [
        _("Name"),
        _("Email"),
        _("Language"),
        _("Enrolled"),
        _("Last activity"),
        _("Modules complete"),
        _("Homework attempts"),
        _("Certificate"),
    ]
    header += [f"{m.position}. {pick(m.title, locale)}" for m in info.modules]

    def rows():
        for person, states, _progress, _hw in student_records(info):
            certificate = getattr(person, "certificate", None)
            if certificate and getattr(person, "revoked_at", None):
                certificate = f"{certificate} ({_('revoked')})"
            yield [
                person.name,
                person.email,
                person.locale or "",
                person.enrolled_at,
                person.last_activity,
                person.completed,
                person.attempts,
                certificate or "",
                *[str(MODULE_STATES[state.value]) for state in states],
            ]

    return csv_lines(header, rows())


def grades_csv(info: CohortInfo, locale: str) -> Iterator[str]:
    """One line per reviewed homework attempt: the decision and the rubric points."""
    modules = {m.id: m for m in info.modules}
    maximum = _max_points(list(modules))
    header = [
        _("Name"),
        _("Email"),
        _("Module"),
        _("Attempt"),
        _("Submitted"),
        pgettext("homework", "Late"),
        _("Reviewed"),
        _("Decision"),
        _("Points"),
        _("Out of"),
        _("Reviewer"),
    ]
    # A correlated sum per review (an index lookup each) keeps the plan the same whatever the
    # planner's statistics say; a joined GROUP BY was slow on freshly imported data.
    points = (
        select(func.coalesce(func.sum(ReviewScore.points), 0))
        .where(ReviewScore.review_id == Review.id)
        .scalar_subquery()
    )
    reviewer = aliased(User)
    query = (
        select(
            User.name,
            User.email,
            Submission.module_id,
            Submission.attempt_no,
            Submission.submitted_at,
            Submission.late,
            Submission.reviewed_at,
            Review.decision,
            points,
            reviewer.name,
        )
        .select_from(Submission)
        .join(User, User.id == Submission.user_id)
        .join(Review, Review.submission_id == Submission.id)
        .outerjoin(reviewer, reviewer.id == Review.reviewer_id)
        .where(
            Submission.cohort_id == info.id,
            Submission.status.in_([Status.ACCEPTED, Status.RETURNED]),
        )
        .order_by(User.name, User.id, Submission.module_id, Submission.attempt_no)
        .execution_options(**STREAM)
    )
    decisions = {"accept": _("Accepted"), "return": _("Returned for revision")}

    def rows():
        late_words = {True: _("yes"), False: _("no")}
        for (
            name,
            email,
            module_id,
            attempt,
            sent,
            late,
            seen,
            decision,
            got,
            by,
        ) in db.session.execute(query):
            module = modules.get(module_id)
            title = f"{module.position}. {pick(module.title, locale)}" if module else module_id
            yield [
                name,
                email,
                title,
                attempt,
                sent,
                late_words[bool(late)],
                seen,
                decisions.get(decision.value, decision),
                got or 0,
                maximum.get(module_id, 0),
                by or "",
            ]

    return csv_lines(header, rows())


def _max_points(module_ids: list[int]) -> dict[int, int]:
    best: dict[int, int] = {}
    for criterion in db.session.scalars(
        select(RubricCriterion).where(
            RubricCriterion.module_id.in_(module_ids), RubricCriterion.retired.is_(False)
        )
    ):
        top = max((level["points"] for level in criterion.levels), default=0)
        best[criterion.module_id] = best.get(criterion.module_id, 0) + top
    return best


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def progress_json(info: CohortInfo, summary: dict) -> Iterator[str]:
    """``{"cohort": ..., "modules": [...], "summary": ..., "students": [...]}``, streamed."""
    head = {
        "format": "tekser.cohort-progress/1",
        "generated_at": utcnow().isoformat(),
        "cohort": {
            "id": info.id,
            "name": info.name,
            "course": info.course_slug,
            "starts_on": _iso(info.starts_on),
            "ends_on": _iso(info.ends_on),
            "default_language": info.default_locale,
            "sequential": info.sequential,
            "archived": info.archived,
        },
        "modules": [
            {"id": m.id, "slug": m.slug, "position": m.position, "title": m.title}
            for m in info.modules
        ],
        "summary": summary,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "students": ['
    for n, (person, states, rows, hw) in enumerate(student_records(info)):
        record = {
            "id": person.user_id,
            "name": person.name,
            "email": person.email,
            "language": person.locale,
            "enrolled_at": _iso(person.enrolled_at),
            "last_activity_at": _iso(person.last_activity),
            "modules_complete": person.completed,
            "homework_attempts": person.attempts,
            "certificate": _certificate(person),
            "modules": [
                _module(m, state, rows.get(m.id), hw.get(m.id))
                for m, state in zip(info.modules, states, strict=True)
            ],
        }
        yield ("," if n else "") + json.dumps(record, ensure_ascii=False)
    yield "]}"


def _module(module: ModuleInfo, state, row, homework) -> dict:
    return {
        "slug": module.slug,
        "state": state.value,
        "lesson_done": row is not None
        and (row.lesson_read_at is not None or row.video_watched_at is not None),
        "quiz_passed_at": _iso(row.quiz_passed_at) if row is not None else None,
        "completed_at": _iso(row.completed_at) if row is not None else None,
        "homework": homework.value if homework is not None else "not_submitted",
    }


def _certificate(person) -> dict | None:
    code = getattr(person, "certificate", None)
    if not code:
        return None
    return {"code": code, "revoked": getattr(person, "revoked_at", None) is not None}
