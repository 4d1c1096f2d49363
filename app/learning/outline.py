"""A course and its current modules as plain frozen values, kept per course version (issue 19).

The dashboard and the module page show a course's title, its modules' titles, slugs and order,
and apply its rules (in order or not, homework required, the default schedule). Read as ORM
rows on every request, that cost a statement's worth of entity building per page. The course
changes only when it is imported, which moves ``imported_at`` (as for the landing card and the
module content): each worker keeps the outline per course id, ``imported_at`` and the course's
rule columns. The key comes from the row a page reads anyway (the enrolment's cohort joined to
its course, or the course by slug), so a hit costs no statement; a miss is one Core select.

The page's own statement also lists the course's current module ids in order: an outline that
does not list the same ones (a module changed by something other than an import) is read
again, so no retired module or old order is ever shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.learning.content import LANGS, Picked, pick
from app.learning.models import Course, Module
from app.worker_cache import kept

CACHE = "tekser.course_outlines"
MAX_ENTRIES = 50  # courses × versions; start afresh beyond


@dataclass(frozen=True)
class Rules:
    """The course's settings the pages apply (read with every page's own row, so a change made
    without an import is seen at once)."""

    sequential: bool
    homework_required: bool
    quiz_pass_mark: int
    module_every_days: int | None
    homework_due_days: int | None


@dataclass(frozen=True)
class ModuleOutline:
    id: int
    course_id: int
    slug: str
    position: int
    title: MappingProxyType[str, str]
    video_url: str | None
    video_duration: int | None
    titles: MappingProxyType[str, Picked] = field(repr=False, compare=False)  # by language


@dataclass(frozen=True)
class CourseOutline:
    id: int
    slug: str
    title: MappingProxyType[str, str]
    imported_at: datetime | None
    rules: Rules
    modules: tuple[ModuleOutline, ...]
    _by_slug: MappingProxyType[str, ModuleOutline] = field(repr=False, compare=False)

    # The names the templates and rules read on a course (as on ``Course``).
    @property
    def sequential(self) -> bool:
        return self.rules.sequential

    @property
    def homework_required(self) -> bool:
        return self.rules.homework_required

    @property
    def quiz_pass_mark(self) -> int:
        return self.rules.quiz_pass_mark

    @property
    def module_ids(self) -> tuple[int, ...]:
        return tuple(m.id for m in self.modules)

    def module(self, slug: str) -> ModuleOutline | None:
        return self._by_slug.get(slug)


def outline(
    course_id: int, imported_at: datetime | None, rules: Rules, module_ids: Sequence[int]
) -> CourseOutline:
    """The course's outline for this version; ``module_ids``: its current modules in order, as
    the caller's statement found them (read again when the kept outline lists others)."""
    kept: dict[tuple[Any, ...], CourseOutline] = current_app.extensions.setdefault(CACHE, {})
    key = (course_id, imported_at, rules)
    found = kept.get(key)
    if found is None or found.module_ids != tuple(module_ids):
        found = _read(course_id, rules)
        if len(kept) >= MAX_ENTRIES:
            kept.clear()
        kept[key] = found
    return found


def _read(course_id: int, rules: Rules) -> CourseOutline:
    rows = db.session.execute(
        select(
            Course.slug, Course.title, Course.imported_at, Module.id, Module.slug,
            Module.position, Module.title, Module.video_url, Module.video_duration,
        )
        .select_from(Course)
        .outerjoin(Module, (Module.course_id == Course.id) & Module.retired.is_(False))
        .where(Course.id == course_id)
        .order_by(Module.position)
    ).all()  # fmt: skip
    slug, title, imported_at = rows[0][0], rows[0][1], rows[0][2]
    modules = tuple(
        ModuleOutline(
            mid,
            course_id,
            mslug,
            position,
            MappingProxyType(dict(mtitle or {})),
            url,
            length,
            MappingProxyType({lang: pick(mtitle, lang) for lang in LANGS}),
        )
        for _s, _t, _i, mid, mslug, position, mtitle, url, length in rows
        if mid is not None
    )
    return CourseOutline(
        course_id,
        slug,
        MappingProxyType(dict(title or {})),
        imported_at,
        rules,
        modules,
        MappingProxyType({m.slug: m for m in modules}),
    )


def forget() -> None:
    """Drop every kept outline (tests; a re-import needs none of this: its key changes)."""
    current_app.extensions.pop(CACHE, None)
    current_app.extensions.pop(MODULES_CACHE, None)


# Pages over a whole cohort (the reviewer queue, the cohort dashboard) read the course's version
# with their cohort but not its module ids: they take the modules as of that version.
ModuleLine = ModuleOutline
MODULES_CACHE = "tekser.course_modules"
_NO_RULES = Rules(sequential=False, homework_required=False, quiz_pass_mark=0,
                  module_every_days=None, homework_due_days=None)  # fmt: skip


def course_modules(course_id: int, imported_at: datetime | None) -> tuple[ModuleOutline, ...]:
    """The course's current modules in position order, as of ``imported_at``."""
    return kept(
        MODULES_CACHE,
        (course_id, imported_at),
        lambda: _read(course_id, _NO_RULES).modules,
        MAX_ENTRIES,
    )
