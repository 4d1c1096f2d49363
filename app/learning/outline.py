"""A course's current modules (id, position, title), kept in memory per course version
(issue 19).

Lists and dashboards over a cohort show the course's modules by position and title; that list
only changes when the course is imported, which moves ``course.imported_at`` (as for the module
content, ``app.learning.module_content``). Each worker keeps it per course id and
``imported_at``, so a page that already read those two values (with its cohort) reads no module
rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from app.extensions import db
from app.learning.models import Module

MAX_VERSIONS = 50  # courses × versions kept; start afresh beyond


@dataclass(frozen=True)
class ModuleLine:
    """One current (not retired) module, as lists show it."""

    id: int
    position: int
    title: dict[str, str]


def course_modules(course_id: int, imported_at: datetime) -> tuple[ModuleLine, ...]:
    """The course's current modules in position order, as of ``imported_at``."""
    cache: dict[tuple[int, datetime], tuple[ModuleLine, ...]] = current_app.extensions.setdefault(
        "tekser.course_outline", {}
    )
    key = (course_id, imported_at)
    found = cache.get(key)
    if found is None:
        found = tuple(
            ModuleLine(id_, position, dict(title or {}))
            for id_, position, title in db.session.execute(
                db.select(Module.id, Module.position, Module.title)
                .where(Module.course_id == course_id, Module.retired.is_(False))
                .order_by(Module.position)
            )
        )
        if len(cache) >= MAX_VERSIONS:
            cache.clear()
        cache[key] = found
    return found
