"""The navigation's unread-notice count, kept per user in each worker for a few seconds (ADR 0024).

Every signed-in page shows the count; counting was one statement on each of them. Each worker
keeps, per user, the count for ``LOGIN_CACHE_SECONDS`` (the same bound as the cached identity,
``app/auth/identity.py``), and a change shows as promptly as a changed identity does:

- in the worker (or test) that makes the change, at once: a flush that adds, changes or deletes a
  ``Notification`` forgets its user's count, and an ORM ``INSERT``/``UPDATE``/``DELETE`` statement
  on the notification table (``mark_all_read``, the reminders' insert) forgets every count;
- in the browser that made the change, at once in every worker: the session cookie carries the
  time of its user's last notice change (``NOTICES_AT``), and a count kept before it is counted
  again (so a notice marked read shows as read on the very next page, whichever worker serves it);
- elsewhere (a reviewer's verdict reaching a student signed in on another worker), within
  ``LOGIN_CACHE_SECONDS``.

Reading never writes: a GET only reads the count (and the cookie is stamped only after a commit
that changed notices).
"""

from __future__ import annotations

import time

from flask import current_app, has_request_context, session
from sqlalchemy.orm import Session

from app import worker_cache
from app.extensions import db
from app.homework.models import Notification

NOTICES_AT = "_notices_at"
MAX_ENTRIES = 20_000
PENDING = "tekser_notices_changed"
_TABLES = {Notification.__table__}

# (user id, login token) -> (counted at, expires at, count). Per login, not per user: a login is
# never reused, so a count can never outlive the rows it counted under another database's ids.
_cache: dict[tuple[int, str], tuple[float, float, int]] = {}
now = time.time  # tests move the clock


def unread_count(user_id: int) -> int:
    """Counted now: one ``COUNT`` on the index's columns."""
    return (
        db.session.scalar(
            db.select(db.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def kept_count(user_id: int, login: str | None) -> int:
    """The count of the user signed in with ``login``, from this worker's copy while it is
    fresh (counted every time without a login token)."""
    if login is None:
        return unread_count(user_id)
    t = now()
    key = (user_id, login)
    entry = _cache.get(key)
    if entry is None or entry[1] <= t or entry[0] < _changed_at():
        ttl = float(current_app.config.get("LOGIN_CACHE_SECONDS", 5))
        entry = (t, t + ttl, unread_count(user_id))
        if ttl > 0:
            if len(_cache) >= MAX_ENTRIES:
                _cache.clear()
            _cache[key] = entry
    return entry[2]


def _changed_at() -> float:
    return float(session.get(NOTICES_AT, 0)) if has_request_context() else 0.0


def forget(user_ids: set[int] | None = None) -> None:
    """Drop the kept counts of ``user_ids`` (all of them when None)."""
    if user_ids is None:
        _cache.clear()
        return
    for key in [key for key in _cache if key[0] in user_ids]:
        _cache.pop(key, None)


def _changed(session_: Session) -> set[int]:
    return {obj.user_id for obj in worker_cache.flushed(session_) if isinstance(obj, Notification)}


def _touches(state) -> bool:
    # The ORM's statements name an annotated copy of the table: equal, not the same object.
    return (state.is_insert or state.is_update or state.is_delete) and getattr(
        state.statement, "table", None
    ) in _TABLES


worker_cache.watch(PENDING, forget, NOTICES_AT, lambda: now(), changed=_changed, touches=_touches)
