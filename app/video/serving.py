"""Serving renditions cheaply: the access decision is kept for a minute per user and module,
so the many Range requests of one playback cost one small statement each, not a module load."""

from __future__ import annotations

import time
from typing import Any

from flask import current_app
from sqlalchemy import and_, select

from app.extensions import db
from app.learning import services as learning
from app.video.models import Rendition, Video

CACHE = "tekser.video_access"
CACHE_MAX = 10_000


def module_for(user: Any, course_slug: str, module_slug: str) -> int | None:
    """The module's id if ``user`` may watch it now (an enrolled student whose module is open,
    a reviewer of the course, an admin), else None. Remembered ``VIDEO_ACCESS_CACHE_SECONDS``
    per worker: a withdrawn right stops at the latest that much later."""
    cache: dict[tuple[Any, ...], tuple[int | None, float]] = current_app.extensions.setdefault(
        CACHE, {}
    )
    key = (user.id, course_slug, module_slug)
    now = time.monotonic()
    hit = cache.get(key)
    if hit is not None and hit[1] > now:
        return hit[0]
    try:
        ctx = learning.load_module(user, course_slug, module_slug, reading=True)
        module_id: int | None = ctx.module.id
    except (learning.CourseNotFound, learning.ModuleLocked, learning.ModuleNotOpen):
        module_id = None
    if len(cache) >= CACHE_MAX:
        cache.clear()
    cache[key] = (module_id, now + current_app.config["VIDEO_ACCESS_CACHE_SECONDS"])
    return module_id


def rendition(module_id: int, language: str, kind: str) -> Any:
    """The published rendition's key, type and size (one statement), or None."""
    return db.session.execute(
        select(Rendition.key, Rendition.mimetype, Rendition.size)
        .join(Video, and_(Video.id == Rendition.video_id, Video.sha256 == Rendition.sha256))
        .where(Video.module_id == module_id, Video.language == language, Rendition.kind == kind)
    ).first()
