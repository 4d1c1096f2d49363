"""The progress rules of DESIGN.md section 4 on facts already read: a module's state and next
step, the course's progress. Pure functions and values (no database): ``app.learning.progress``
reads the rows for one student and applies them, the student's pages (``standing``) apply them
to the tuples of one statement, and the reports to many students at once.

A module is complete when its lesson is read (or its video watched to the course's share), its
quiz is passed, and, when the course's completion rule asks for it, its homework is accepted.
Modules unlock in order when both the course and the cohort say so.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from app.homework.services import HomeworkState

if TYPE_CHECKING:
    from app.cohorts.models import Cohort
    from app.learning.models import Course, Module, ModuleProgress
    from app.learning.outline import CourseOutline, ModuleOutline


class ModuleState(enum.StrEnum):
    LOCKED = "locked"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"


class Step(enum.StrEnum):
    LESSON = "lesson"
    QUIZ = "quiz"
    HOMEWORK = "homework"
    WAIT_REVIEW = "wait_review"
    REVISE = "revise"
    DONE = "done"


WAITING = {HomeworkState.SUBMITTED, HomeworkState.IN_REVIEW}


@dataclass(frozen=True)
class ModuleStatus:
    module: Module | ModuleOutline
    state: ModuleState
    lesson_done: bool
    quiz_passed: bool
    homework: HomeworkState

    @property
    def next_step(self) -> Step:
        if self.state == ModuleState.COMPLETE:
            return Step.DONE
        if not self.lesson_done:
            return Step.LESSON
        if not self.quiz_passed:
            return Step.QUIZ
        if self.homework in WAITING:
            return Step.WAIT_REVIEW
        if self.homework == HomeworkState.RETURNED:
            return Step.REVISE
        return Step.HOMEWORK


@dataclass(frozen=True)
class CourseProgress:
    course: Course | CourseOutline
    cohort: Cohort | Any  # the ORM row, or the page's row of its columns (name, id, ...)
    modules: list[ModuleStatus]

    @cached_property  # read a few times per page (a frozen dataclass keeps it in __dict__)
    def completed(self) -> int:
        return sum(1 for m in self.modules if m.state == ModuleState.COMPLETE)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / len(self.modules)) if self.modules else 0

    @property
    def current(self) -> ModuleStatus | None:
        """The module to work on next: the first one that is open and not complete."""
        for status in self.modules:
            if status.state in (ModuleState.OPEN, ModuleState.IN_PROGRESS):
                return status
        return None

    @property
    def is_complete(self) -> bool:
        return bool(self.modules) and self.completed == len(self.modules)

    def status_of(self, module_id: int) -> ModuleStatus | None:
        return next((s for s in self.modules if s.module.id == module_id), None)


def homework_done(module: Module, state: HomeworkState) -> bool:
    """The homework part of the completion rule: accepted, or not required by the course."""
    return state == HomeworkState.ACCEPTED or not module.course.homework_required


def lesson_done(row: ModuleProgress | None) -> bool:
    return row is not None and (row.lesson_read_at is not None or row.video_watched_at is not None)


def module_statuses(
    modules: list[Module],
    rows: dict[int, ModuleProgress],
    homework: dict[int, HomeworkState],
    *,
    in_order: bool,
    homework_required: bool | None = None,
) -> list[ModuleStatus]:
    """The rules themselves, on rows already loaded (so reports can apply them to many students
    at once without a query per student). ``homework_required``: the course's completion rule
    (read from each module's course when not given)."""
    facts = {}
    for module_id, row in rows.items():
        facts[module_id] = Facts(
            lesson_done(row), row.quiz_passed_at is not None, row.video_seconds > 0
        )
    if homework_required is not None:
        required = homework_required
    else:  # no module: nothing to require
        required = bool(modules) and modules[0].course.homework_required
    return statuses(modules, facts, homework, in_order=in_order, homework_required=required)


class Facts(NamedTuple):
    """What a module's progress row says (no row: nothing done yet)."""

    lesson_done: bool
    quiz_passed: bool
    watched_some: bool  # some of the video played


def statuses(
    modules: Sequence[Module | ModuleOutline],
    facts: dict[int, Facts],
    homework: dict[int, HomeworkState],
    *,
    in_order: bool,
    homework_required: bool,
) -> list[ModuleStatus]:
    """Each module's state from its facts, in course order (the one place the rules live)."""
    result: list[ModuleStatus] = []
    previous_complete = True
    for module in modules:
        fact = facts.get(module.id)
        done_lesson = fact is not None and fact.lesson_done
        passed = fact is not None and fact.quiz_passed
        hw = homework.get(module.id, HomeworkState.NOT_SUBMITTED)
        complete = (
            done_lesson and passed and (hw == HomeworkState.ACCEPTED or not homework_required)
        )
        if complete:
            state = ModuleState.COMPLETE
        elif in_order and not previous_complete:
            state = ModuleState.LOCKED
        elif fact is not None and (
            done_lesson or passed or fact.watched_some or hw != HomeworkState.NOT_SUBMITTED
        ):
            state = ModuleState.IN_PROGRESS
        else:
            state = ModuleState.OPEN
        result.append(ModuleStatus(module, state, done_lesson, passed, hw))
        previous_complete = complete
    return result
