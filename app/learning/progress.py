"""A student's progress rows: reading them and recording what they do (the rules themselves,
on facts already read, are in ``app.learning.rules``).

A module is complete when its lesson is read (or its video watched to the course's share), its
quiz is passed, and, when the course's completion rule asks for it (``Course.homework_required``,
from ``completion: homework`` in course.yaml), its homework is accepted. The certificate follows
the last module, so it reads the same rule. Modules unlock in order when both the course and
the cohort say so; otherwise every module is open.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from app.cohorts import services as cohorts
from app.db import utcnow
from app.extensions import db
from app.homework.services import homework_states
from app.learning import watching
from app.learning.models import Course, Module, ModuleProgress, QuizAttempt
from app.learning.rules import WAITING as WAITING
from app.learning.rules import CourseProgress as CourseProgress
from app.learning.rules import Facts as Facts
from app.learning.rules import ModuleState as ModuleState
from app.learning.rules import ModuleStatus as ModuleStatus
from app.learning.rules import Step as Step
from app.learning.rules import homework_done as homework_done
from app.learning.rules import lesson_done as lesson_done
from app.learning.rules import module_statuses as module_statuses
from app.learning.rules import statuses as statuses
from app.learning.signals import course_completed
from app.unit_of_work import add_or_take_winner
from app.video import services as video

if TYPE_CHECKING:
    from app.cohorts.models import Cohort
    from app.learning.outline import ModuleOutline


def course_progress(user_id: int, course: Course, cohort: Cohort) -> CourseProgress:
    """Every module's state for one student, in three queries whatever the course size."""
    modules = list(course.modules)
    rows = {
        row.module_id: row
        for row in db.session.scalars(
            db.select(ModuleProgress).where(
                ModuleProgress.user_id == user_id,
                ModuleProgress.module_id.in_([m.id for m in modules]),
            )
        )
    }
    homework = homework_states(user_id, [m.id for m in modules])
    return CourseProgress(
        course,
        cohort,
        module_statuses(modules, rows, homework, in_order=course.sequential and cohort.sequential),
    )


def _row(user_id: int, module: Module) -> ModuleProgress:
    row = db.session.scalar(
        db.select(ModuleProgress).where(
            ModuleProgress.user_id == user_id, ModuleProgress.module_id == module.id
        )
    )
    if row is None:
        # Another request of the same student may have created it just now.
        row, _created = add_or_take_winner(
            ModuleProgress(user_id=user_id, module_id=module.id, video_seconds=0),
            lambda: db.session.scalar(
                db.select(ModuleProgress).where(
                    ModuleProgress.user_id == user_id, ModuleProgress.module_id == module.id
                )
            ),
        )
    row.last_activity_at = utcnow()
    cohorts.note_activity(user_id, row.last_activity_at, course_id=module.course_id)
    return row


def mark_lesson_read(user_id: int, module: Module) -> ModuleProgress:
    row = _row(user_id, module)
    if row.lesson_read_at is None:
        row.lesson_read_at = utcnow()
    db.session.flush()
    return row


def video_duration(module: Module | ModuleOutline, lang: str) -> float | None:
    """The length in seconds of the module's video in ``lang``: the one place the watched
    share and the resume position take it from (None: unknown, so never watched by share)."""
    published = video.duration_for(module, lang)
    if published is None and module.video_duration:  # an embedded (url) video's stated length
        return float(module.video_duration)
    return published


def record_video_progress(
    user_id: int,
    module: Module,
    lang: str,
    ranges: list[watching.Range],
    position: float | None = None,
) -> ModuleProgress:
    """Add the ranges the student played (of the video in ``lang``) to the union kept for the
    module, and note where playback stands. Once the union reaches the course's share of the
    duration, the video counts as watched (which does the lesson part)."""
    row = _row(user_id, module)
    db.session.flush()
    # Read again under the row lock: of two reports at once, the second waits for the first and
    # merges into its ranges instead of overwriting them (ADR 0008).
    db.session.refresh(
        row, ["video_played", "video_seconds", "video_watched_at"], with_for_update=True
    )
    duration = video_duration(module, lang)
    played = dict(row.video_played or {})
    entry = played.get(lang) if isinstance(played.get(lang), dict) else {}
    union = watching.merge(watching.stored_ranges(entry.get("ranges")), ranges, duration)
    at = entry.get("at", 0) if position is None else position
    if duration and isinstance(at, (int, float)):
        at = min(at, duration)
    played[lang] = {"ranges": [list(r) for r in union], "at": at}
    row.video_played = played  # a new dict: the JSON column sees the change
    row.video_seconds = int(
        max(
            watching.played_seconds(watching.stored_ranges(e.get("ranges")))
            for e in played.values()
            if isinstance(e, dict)
        )
    )
    share = module.course.video_watched_share
    if row.video_watched_at is None and watching.is_watched(union, duration, share):
        row.video_watched_at = utcnow()
    db.session.flush()
    return row


def resume_position(
    user_id: int, module: Module | ModuleOutline, lang: str, duration: float | None = None
) -> float:
    """Where the student's playback of the video in ``lang`` should start again (0: from the
    start). Reads only; one query (two without the ``duration`` the page already knows)."""
    played = db.session.scalar(
        db.select(ModuleProgress.video_played).where(
            ModuleProgress.user_id == user_id, ModuleProgress.module_id == module.id
        )
    )
    return resume_from(played, module, lang, duration)


def resume_from(
    played: object, module: Module | ModuleOutline, lang: str, duration: float | None = None
) -> float:
    """Where playback in ``lang`` starts again, from the progress row's ``video_played``."""
    entry = played.get(lang) if isinstance(played, dict) else None
    if not isinstance(entry, dict):
        return 0.0
    if duration is None:
        duration = video_duration(module, lang)
    return watching.resume_at(entry.get("at"), duration)


def mark_quiz_passed(user_id: int, module: Module) -> None:
    row = _row(user_id, module)
    if row.quiz_passed_at is None:
        row.quiz_passed_at = utcnow()
    db.session.flush()


def record_quiz_attempt(user_id: int, module: Module, *, passed: bool) -> None:
    """Count an attempt at the module's quiz on the progress row (the cohort reports read the
    count, not the attempts); a pass marks the quiz part done."""
    row = _row(user_id, module)
    # Incremented in SQL: two attempts recorded at once both count.
    row.quiz_attempts = ModuleProgress.quiz_attempts + 1
    if passed and row.quiz_passed_at is None:
        row.quiz_passed_at = utcnow()
    db.session.flush()


def recount_quiz_attempts(*where) -> None:
    """Count the quiz attempts of the progress rows ``where`` selects again from the attempts
    themselves (a repair after rows were changed by hand; ``flask cohorts recount``)."""
    attempts = (
        db.select(db.func.count())
        .where(
            QuizAttempt.user_id == ModuleProgress.user_id,
            QuizAttempt.module_id == ModuleProgress.module_id,
        )
        .scalar_subquery()
    )
    db.session.execute(
        update(ModuleProgress)
        .where(*where)
        .values(quiz_attempts=attempts)
        .execution_options(synchronize_session=False)
    )


def refresh_completion(user_id: int, module: Module) -> bool:
    """Set ``completed_at`` once the three parts are done; True when it became complete now.

    Called after every change that can complete a module (lesson, quiz, accepted homework).
    """
    row = _row(user_id, module)
    if row.completed_at is not None:
        return False
    if lesson_done(row) and row.quiz_passed_at is not None and _homework_done(user_id, module):
        db.session.flush()
        # Conditional, so that of two requests completing the module at once exactly one
        # counts it in the enrolment's summary.
        now = utcnow()
        done = db.session.execute(
            update(ModuleProgress)
            .where(ModuleProgress.id == row.id, ModuleProgress.completed_at.is_(None))
            .values(completed_at=now)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:
            db.session.expire(row, ["completed_at"])
            return False
        set_committed_value(row, "completed_at", now)
        cohorts.note_completed(user_id, module.course_id)
        if course_complete(user_id, module.course_id):
            # Receivers run now, in this transaction (the certificate is issued with it).
            course_completed.send(user_id=user_id, course_id=module.course_id)
        return True
    return False


def _homework_done(user_id: int, module: Module) -> bool:
    if not module.course.homework_required:
        return True  # no query: the rule does not ask for it
    return homework_done(module, homework_states(user_id, [module.id])[module.id])


def complete_pending(course_id: int) -> int:
    """Complete the modules that the course's rule now counts as complete but were not marked
    (after an import relaxed the rule, say); certificates follow. Returns how many."""
    rows = db.session.execute(
        db.select(ModuleProgress.user_id, Module)
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(
            Module.course_id == course_id,
            Module.retired.is_(False),
            ModuleProgress.completed_at.is_(None),
            ModuleProgress.quiz_passed_at.is_not(None),
        )
        .order_by(ModuleProgress.user_id, Module.position)
    ).all()
    return sum(1 for user_id, module in rows if refresh_completion(user_id, module))


def course_complete(user_id: int, course_id: int) -> bool:
    """Whether every current module of the course is complete for the student (one query)."""
    total = (
        db.select(db.func.count())
        .select_from(Module)
        .where(Module.course_id == course_id, Module.retired.is_(False))
        .scalar_subquery()
    )
    done = (
        db.select(db.func.count())
        .select_from(ModuleProgress)
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(
            ModuleProgress.user_id == user_id,
            Module.course_id == course_id,
            Module.retired.is_(False),
            ModuleProgress.completed_at.is_not(None),
        )
        .scalar_subquery()
    )
    total_n, done_n = db.session.execute(db.select(total, done)).one()
    return total_n > 0 and done_n == total_n


def last_completed_at(user_id: int, course_id: int) -> datetime | None:
    """When the student completed their last module of the course (None: none yet)."""
    return db.session.scalar(
        db.select(db.func.max(ModuleProgress.completed_at))
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(ModuleProgress.user_id == user_id, Module.course_id == course_id)
    )
