"""Reading courses and modules for pages, with the access rules applied."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import get_locale
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import joinedload, selectinload

from app.cohorts import services as cohorts
from app.cohorts.models import Cohort, Enrolment
from app.db import utcnow
from app.errors import NotFoundError, RefusedError
from app.extensions import db
from app.homework.services import HomeworkState
from app.learning import dates, policy, progress, quiz, schedule, standing, watching
from app.learning.content import LANGS, markdown, pick
from app.learning.content.importer import import_course as import_course
from app.learning.content.spec import read_course as read_course
from app.learning.jobs import render_course_videos as render_course_videos
from app.learning.models import Course, Module, ModuleProgress
from app.learning.outline import CourseOutline, ModuleOutline
from app.learning.outline import ModuleLine as ModuleLine
from app.learning.outline import course_modules as course_modules
from app.learning.progress import CourseProgress as CourseProgress
from app.learning.progress import ModuleState as ModuleState
from app.learning.progress import ModuleStatus as ModuleStatus
from app.learning.progress import course_progress as course_progress
from app.learning.progress import last_completed_at as last_completed_at
from app.learning.progress import mark_lesson_read as mark_lesson_read
from app.learning.progress import module_statuses as module_statuses
from app.learning.progress import refresh_completion as refresh_completion
from app.learning.schedule import course_open_state as course_open_state
from app.worker_cache import kept

if TYPE_CHECKING:
    from app.auth.models import User


@dataclass(frozen=True)
class CourseCard:
    """A course as the landing page shows it, in one language."""

    slug: str
    title: str
    summary: str
    modules: tuple[ModuleCard, ...]  # shared between requests: immutable
    # The completion rule, for "what earns the certificate"
    quiz_pass_mark: int = 70
    homework_required: bool = True


@dataclass(frozen=True)
class ModuleCard:
    title: str
    summary: str


def featured_course() -> CourseCard | None:
    """The course the landing page presents: the first one imported.

    Its card in each language is kept in memory until an import changes the course (which
    moves ``imported_at``), so a landing page costs one single-row query, not the course and
    its modules' JSON.
    """
    head = db.session.execute(
        db.select(Course.id, Course.imported_at).order_by(Course.id).limit(1)
    ).first()
    if head is None:
        return None
    lang = str(get_locale())
    return kept(
        "tekser.course_cards",
        (head.id, head.imported_at, lang),
        lambda: _course_card(head.id, lang),
        30,  # old versions of the course: start afresh
    )


def _course_card(course_id: int, lang: str) -> CourseCard:
    course = db.session.scalars(
        select(Course).options(selectinload(Course.modules)).where(Course.id == course_id)
    ).one()
    return CourseCard(
        slug=course.slug,
        title=str(pick(course.title, lang)),
        summary=str(pick(course.summary, lang)),
        modules=tuple(
            ModuleCard(str(pick(m.title, lang)), str(pick(m.summary, lang))) for m in course.modules
        ),
        quiz_pass_mark=course.quiz_pass_mark,
        homework_required=course.homework_required,
    )


def content_language(wanted: str | None = None) -> str:
    """Course content has its own language choice (the page's ``?lang=``), the interface's by
    default."""
    return wanted if wanted in LANGS else str(get_locale())


@dataclass(frozen=True)
class ModuleContext:
    course: Course
    module: Module
    progress: CourseProgress | None  # None for staff looking at a course they do not take
    status: ModuleStatus | None
    lang: str
    # For students: whether the calendar has opened the module (staff previews are always open).
    opening: schedule.OpenState = schedule.OPEN
    previewing_unopened: bool = False  # an enrolled admin or reviewer reads it before it opens
    due: dates.DueView | None = None  # the student's homework due date, as they read it

    @property
    def is_student(self) -> bool:
        return self.status is not None


class CourseNotFound(NotFoundError):
    """No such course or module, or one the user may not see (answered as a missing page)."""


class ModuleLocked(RefusedError):
    """The student has not reached the module yet (modules unlock in order)."""


class ModuleNotOpen(Exception):
    """The module exists and the student may have it, but not yet: the pages show when it
    opens instead of its content, and every write to it is refused."""

    def __init__(self, ctx: ModuleContext | ModulePage) -> None:
        super().__init__(f"module {ctx.module.id} opens at {ctx.opening.opens_at}")
        self.ctx = ctx


def course_by_slug(slug: str) -> Course:
    """The course with its current modules, in one statement."""
    course = (
        db.session.execute(
            select(Course).options(joinedload(Course.modules)).where(Course.slug == slug)
        )
        .unique()
        .scalar_one_or_none()
    )
    if course is None:
        raise CourseNotFound()
    return course


def load_module(
    user: User | Any,
    course_slug: str,
    module_slug: str,
    *,
    lang: str | None = None,
    reading: bool = True,
) -> ModuleContext:
    """The module if ``user`` may open it, its content in ``lang`` (the interface's language
    when that is not one of the course's). ``CourseNotFound`` outside the course,
    ``ModuleLocked`` while it is locked, ``ModuleNotOpen`` before the calendar opens it, except
    for a staff member's preview when only ``reading`` (a page, not a change)."""
    course = course_by_slug(course_slug)
    module = next((m for m in course.modules if m.slug == module_slug), None)
    enrolment = cohorts.enrolment_for(user.id, course.id) if module is not None else None
    if module is None or (enrolment is None and not policy.can_view_course(user, course)):
        raise CourseNotFound()
    if enrolment is None:  # staff: a read-only preview
        return ModuleContext(course, module, None, None, content_language(lang))
    standing = course_progress(user.id, course, enrolment.cohort)
    status = standing.status_of(module.id)
    if status is None or status.state == ModuleState.LOCKED:
        raise ModuleLocked(f"module {module.id} locked")
    now = utcnow()
    opening = schedule.module_open_state(enrolment, module, now)
    due = _due_view(user, enrolment, module, status, now)
    ctx = ModuleContext(course, module, standing, status, content_language(lang), opening, due=due)
    if not opening.is_open:
        if reading and policy.can_preview(user, course):
            return replace(ctx, previewing_unopened=True)
        raise ModuleNotOpen(ctx)
    return ctx


def read_lesson(user: User, module: Module) -> None:
    """The student marks the lesson read; the module completes if that was all it lacked."""
    progress.mark_lesson_read(user.id, module)
    progress.refresh_completion(user.id, module)


def record_watching(
    user: User,
    module: Module,
    lang: str,
    ranges: list[watching.Range],
    position: float | None = None,
) -> None:
    """What the student played of the video in ``lang``; reaching the course's share of it
    may complete the lesson and the module."""
    progress.record_video_progress(user.id, module, lang, ranges, position)
    progress.refresh_completion(user.id, module)


HANDED_IN_NOT = (HomeworkState.NOT_SUBMITTED, HomeworkState.DRAFT)


def _due_view(
    user: User | Any, enrolment: Enrolment, module: Module, status: ModuleStatus, now: datetime
) -> dates.DueView | None:
    due = cohorts.due_for(enrolment, module)
    if due is None:
        return None
    tz = cohorts.student_timezone(getattr(user, "timezone", None), enrolment.cohort)
    return dates.describe_due(due.due_at, now, tz, done=status.homework not in HANDED_IN_NOT)


@dataclass(frozen=True)
class Playback:
    """What the page's player script needs: the duration the server measures the share
    against, and where to resume (0: from the start)."""

    duration: float | None
    resume: float


def playback(
    user: User, ctx: ModuleContext | ModulePage, lang: str, duration: float | None = None
) -> Playback:
    """The student's playback of the module's video in ``lang`` (staff: from the start, since
    nothing of theirs is recorded); ``duration``: the published video's, when the page has it."""
    if duration is None:
        duration = progress.video_duration(ctx.module, lang)
    if not ctx.is_student:
        return Playback(duration, 0.0)
    if isinstance(ctx, ModulePage):  # read with the page's standing: no statement
        return Playback(duration, progress.resume_from(ctx.played, ctx.module, lang, duration))
    return Playback(duration, progress.resume_position(user.id, ctx.module, lang, duration))


DashboardCourse = standing.Standing  # one of the student's courses, as the dashboard shows it


def enrolments_with_courses(user_id: int) -> list[Enrolment]:
    """The student's enrolments with their cohorts, courses and modules, in one statement."""
    return list(
        db.session.execute(
            db.select(Enrolment)
            .options(
                joinedload(Enrolment.cohort).joinedload(Cohort.course).joinedload(Course.modules)
            )
            .where(Enrolment.user_id == user_id)
            .order_by(Enrolment.id)
        )
        .unique()
        .scalars()
    )


def dashboard(user: User) -> list[standing.Standing]:
    """The student's courses: each module's state, open date and due date, in one statement
    (the courses' outlines are kept per version)."""
    return standing.standings(user, utcnow())


@dataclass(frozen=True)
class ModulePage:
    """What the module page shows a student: the module of the course's outline, with the
    same fields as ``ModuleContext`` (built from rows, no ORM entities)."""

    course: CourseOutline
    module: ModuleOutline
    progress: CourseProgress
    status: ModuleStatus
    lang: str
    opening: schedule.OpenState = schedule.OPEN
    previewing_unopened: bool = False
    due: dates.DueView | None = None
    played: Any = None  # the progress row's ``video_played``: where to resume, per language

    @property
    def is_student(self) -> bool:
        return True


def module_page(
    user: User | Any, course_slug: str, module_slug: str, *, lang: str | None = None
) -> ModulePage | ModuleContext:
    """The module page's context: for an enrolled student, their standing in the course in
    one statement; anyone else (staff previews, strangers) through ``load_module``. Raises as
    ``load_module`` does."""
    found = standing.standings(user, utcnow(), course_slug=course_slug, module_slug=module_slug)
    if not found:
        return load_module(user, course_slug, module_slug, lang=lang, reading=True)
    mine = found[0]
    module = mine.course.module(module_slug)
    if module is None:
        raise CourseNotFound()
    status = mine.progress.status_of(module.id)
    if status is None or status.state == ModuleState.LOCKED:
        raise ModuleLocked(f"module {module.id} locked")
    opening = mine.opening(module.id)
    page = ModulePage(
        mine.course,
        module,
        mine.progress,
        status,
        content_language(lang),
        opening,
        due=mine.due(module.id),
        played=mine.played,
    )
    if not opening.is_open:
        if policy.can_preview(user, mine.course):
            return replace(page, previewing_unopened=True)
        raise ModuleNotOpen(page)
    return page


# --- for other domains and the tools (the modules behind these are learning's own) ----------


def recount_quiz_attempts(user_ids: list[int] | Select[Any] | None = None) -> None:
    """Count the quiz attempts on the progress rows again (of ``user_ids``, a list or a select
    of ids, else of everyone): a repair after rows were changed by hand."""
    where: list[ColumnElement[bool]] = (
        [] if user_ids is None else [ModuleProgress.user_id.in_(user_ids)]
    )
    progress.recount_quiz_attempts(*where)


def pass_quiz(user_id: int, module: Module) -> None:
    """Answer the module's quiz right, through the real quiz path (the demo data does)."""
    answers = {q.key: sorted(q.correct) for q in module.questions}
    quiz.submit_quiz(user_id, module, answers, quiz.new_token())


def render_markdown(text: str) -> str:
    """Markdown rendered and sanitised exactly as the lessons are (safe to mark ``|safe``)."""
    return markdown.render(text)
