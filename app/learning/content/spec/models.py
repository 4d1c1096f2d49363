"""What a course folder reads into: plain dataclasses, and the problems found on the way."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ERROR, WARNING = "error", "warning"
PIECES = ("title", "lesson", "homework", "quiz", "rubric", "guide", "captions")
SLUG_RE = re.compile(r"^(?=.{1,64}$)[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

Text = dict[str, str]


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None  # None when the problem is about a file or folder as a whole
    message: str
    level: str = ERROR

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.level}: {self.message}"


@dataclass
class QuestionSpec:
    key: str
    text: Text
    options: list[dict[str, Any]]  # [{"id": "a", "text": {...}}, ...]
    correct: list[str]
    explanation: Text


@dataclass
class CriterionSpec:
    key: str
    title: Text
    levels: list[dict[str, Any]]  # [{"points": 0, "label": {...}, "description": {...}}, ...]


@dataclass
class ModuleSpec:
    folder: str
    slug: str = ""
    title: Text = field(default_factory=dict)
    summary: Text = field(default_factory=dict)
    video_url: str | None = None
    # Self-hosted source per language, relative to the course folder, with "/".
    video_sources: dict[str, str] = field(default_factory=dict)
    video_duration: int | None = None  # of the embedded (url) video
    lesson: Text = field(default_factory=dict)  # Markdown source per language
    homework: Text = field(default_factory=dict)
    captions: Text = field(default_factory=dict)  # WebVTT source per language
    transcript: dict[str, list[str]] = field(default_factory=dict)
    questions: list[QuestionSpec] = field(default_factory=list)
    criteria: list[CriterionSpec] = field(default_factory=list)
    # reviewer.yaml (for reviewers only): {"general": Text, "options": [{"id", "title",
    # "notes"}], "levels": {criterion key: {str(points): Text}}}
    reviewer_guide: dict[str, Any] = field(default_factory=dict)


@dataclass
class CourseSpec:
    path: Path
    slug: str = ""
    title: Text = field(default_factory=dict)
    summary: Text = field(default_factory=dict)
    organisation: Text = field(default_factory=dict)
    quiz_pass_mark: int = 70
    video_watched_share: float = 0.9
    sequential: bool = True
    # The default schedule (``schedule:``): days between module openings, and from a module's
    # opening to its homework's due date (23:59, cohort time). None: no default dates.
    module_every_days: int | None = None
    homework_due_days: int | None = None
    quiz_feedback: str = "wrong-only"  # or "full": what a failed attempt reveals
    quiz_retry_cooldown: int = 60  # seconds between attempts
    homework_required: bool = True  # completion: homework accepted in every module
    modules: list[ModuleSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    glossary_hits: int = 0  # forms the glossary avoids, found in the course's texts
    # module folder -> piece -> the languages it exists in (kk, ru, en order)
    coverage: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]
