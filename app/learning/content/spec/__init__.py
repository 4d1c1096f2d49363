"""Reading a course folder (courses/FORMAT.md) into plain dataclasses.

:func:`read_course` never stops at the first problem: it reads everything it can and collects
every problem as ``Problem(path, line, message, level)``, so an author fixes a whole folder in
one round. A spec with errors must not be imported; warnings are advice.

``models`` holds the dataclasses, ``checks`` the source-file checks, ``course`` the course and
module reader, ``video``, ``quiz`` (quiz and rubric) and ``documents`` (Markdown, captions and
language coverage) the pieces of a module.
"""

from app.learning.content.spec.course import read_course
from app.learning.content.spec.models import (
    ERROR,
    ID_RE,
    PIECES,
    SLUG_RE,
    WARNING,
    CourseSpec,
    CriterionSpec,
    ModuleSpec,
    Problem,
    QuestionSpec,
    Text,
)

__all__ = [
    "ERROR",
    "ID_RE",
    "PIECES",
    "SLUG_RE",
    "WARNING",
    "CourseSpec",
    "CriterionSpec",
    "ModuleSpec",
    "Problem",
    "QuestionSpec",
    "Text",
    "read_course",
]
