"""The words the student's pages repeat for every module, translated once per language.

The dashboard lists each module with its state, its parts (lesson, quiz, homework) and the next
step; as template macros with a ``_()`` each, that was a few hundred interpreter calls per
module (issue 19). The same wording, translated once per language in each worker, is a dict
lookup per module. Translations do not change while a process runs, so nothing here can go
stale. The strings are the catalogue's own msgids (``flask translate update`` finds them here).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.homework.services import HomeworkState
from app.learning.progress import ModuleState, Step
from app.worker_cache import kept

CACHE = "tekser.student_labels"


@dataclass(frozen=True)
class StudentLabels:
    """Translations are our own text: marked safe, as a template's ``_()`` would."""

    state: Mapping[str, Markup]  # ModuleState -> "Open", "Complete", ...
    step: Mapping[str, Markup]  # Step -> "Take the quiz", ...
    # The module's parts as learning/_status.html's ``parts`` lists them, with their marks:
    lesson: Mapping[bool, Markup]  # lesson done? -> "✓ Lesson read" / "○ Lesson not read yet"
    quiz: Mapping[bool, Markup]  # quiz passed? -> "✓ Quiz passed" / "○ Quiz not passed yet"
    homework: Mapping[str, Markup]  # HomeworkState -> "✓ Homework: accepted", ...
    not_open_yet: Markup
    after_previous: Markup


def student_labels() -> StudentLabels:
    """The labels in the request's language."""
    return kept(CACHE, str(get_locale()), _translate)


def _homework(state: HomeworkState) -> str:
    return {
        HomeworkState.NOT_SUBMITTED: _("not submitted"),
        HomeworkState.DRAFT: _("draft saved, not submitted"),
        HomeworkState.SUBMITTED: _("waiting for review"),
        HomeworkState.IN_REVIEW: _("being reviewed"),
        HomeworkState.RETURNED: _("returned for revision"),
        HomeworkState.ACCEPTED: _("accepted"),
    }[state]


def _translate() -> StudentLabels:
    safe = Markup  # our catalogue's text, as ``{{ _('...') }}`` outputs it
    states = {
        ModuleState.LOCKED: _("Locked"),
        ModuleState.OPEN: _("Open"),
        ModuleState.IN_PROGRESS: _("In progress"),
        ModuleState.COMPLETE: _("Complete"),
    }
    steps = {
        Step.LESSON: _("Watch and read the lesson"),
        Step.QUIZ: _("Take the quiz"),
        Step.HOMEWORK: _("Do the homework"),
        Step.REVISE: _("Revise your homework"),
        Step.WAIT_REVIEW: _("Your homework is waiting for review"),
        Step.DONE: _("Module complete"),
    }
    return StudentLabels(
        state=MappingProxyType({str(k): safe(v) for k, v in states.items()}),
        step=MappingProxyType({str(k): safe(v) for k, v in steps.items()}),
        lesson=MappingProxyType(
            {True: safe("✓ " + _("Lesson read")), False: safe("○ " + _("Lesson not read yet"))}
        ),
        quiz=MappingProxyType(
            {True: safe("✓ " + _("Quiz passed")), False: safe("○ " + _("Quiz not passed yet"))}
        ),
        homework=MappingProxyType(
            {
                str(s): safe(
                    ("✓ " if s == HomeworkState.ACCEPTED else "○ ")
                    + _("Homework: %(state)s", state=_homework(s))
                )
                for s in HomeworkState
            }
        ),
        not_open_yet=safe(_("Not open yet")),
        after_previous=safe(_("Opens when the previous module is complete.")),
    )
