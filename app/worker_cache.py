"""What the per-worker caches of ADR 0024 share: how a unit of work that changes the rows of the
signed-in identity or the unread-notice count makes them forget, and tells the browser; and
``kept``, the store of what is made once per course version, language or release.

A cache notes the users whose rows a flush changed (``None``: unknown rows, everyone) in the
session's ``info`` under its own key; at commit it forgets them again (another thread may have
read the old rows between the flush and the commit) and stamps the cookie of the signed-in user
if they were among them, so every worker reloads for that browser; at rollback it forgets all.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app, g, has_request_context, session
from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

Forget = Callable[[set[int] | None], None]
V = TypeVar("V")


def signed_in_id() -> int | None:
    """The signed-in user's id, read from the identity key: after a commit the user's attributes
    are expired, and reading ``user.id`` would need a query the committed session refuses."""
    user = g.get("_login_user") if has_request_context() else None
    if not getattr(user, "is_authenticated", False):
        return None
    state = inspect(user, raiseerr=False)
    key = state.identity if state is not None else None
    return int(key[0]) if key else None


def note_changed(session_: Session, key: str, changed: set[int] | None) -> None:
    """Remember for the commit that ``changed`` users' rows changed (None: any user's)."""
    if changed is None:
        session_.info[key] = None
        return
    pending = session_.info.get(key, set())
    if pending is not None:  # None: everyone, already
        session_.info[key] = pending | changed


def after_commit(
    session_: Session, key: str, forget: Forget, cookie_key: str, now: Callable[[], float]
) -> None:
    if key not in session_.info:
        return
    changed = session_.info.pop(key)
    forget(changed)
    me = signed_in_id()
    if me is not None and (changed is None or me in changed):
        session[cookie_key] = now()


def after_rollback(session_: Session, key: str, forget: Forget) -> None:
    if session_.info.pop(key, False) is not False:
        forget(None)


def kept(store: str, key: Hashable, make: Callable[[], V], limit: int = 1000) -> V:
    """``make()``'s value for ``key``, made once in this worker and kept in the app's store
    ``store``: for what changes only with a course version, a language or a code release (the
    page chrome, navigations, outlines, module content, labels). The store starts afresh when
    it holds ``limit`` values (old course versions are never asked for again)."""
    values: dict[Hashable, V] = current_app.extensions.setdefault(store, {})
    found = values.get(key)
    if found is None:
        found = make()
        if len(values) >= limit:
            values.clear()
        values[key] = found
    return found


def watch(
    pending: str,
    forget: Forget,
    cookie_key: str,
    now: Callable[[], float],
    *,
    changed: Callable[[Session], set[int]],
    touches: Callable[[ORMExecuteState], bool],
) -> None:
    """Make a per-worker cache of users' rows forget what a unit of work changes: the users
    ``changed`` finds among a flush's objects, everyone when an ORM statement ``touches`` its
    tables; again at commit (stamping the signed-in browser's ``cookie_key`` with ``now()``),
    everyone at rollback."""

    @event.listens_for(Session, "after_flush")
    def _after_flush(session_: Session, _context) -> None:
        users = changed(session_)
        if users:
            forget(users)
            note_changed(session_, pending, users)

    @event.listens_for(Session, "do_orm_execute")
    def _on_execute(state: ORMExecuteState) -> None:
        if touches(state):
            forget(None)
            note_changed(state.session, pending, None)  # unknown rows: all at commit

    @event.listens_for(Session, "after_commit")
    def _after_commit(session_: Session) -> None:
        after_commit(session_, pending, forget, cookie_key, now)

    @event.listens_for(Session, "after_rollback")
    def _after_rollback(session_: Session) -> None:
        after_rollback(session_, pending, forget)


def flushed(session_: Session) -> tuple[object, ...]:
    """The objects a flush added, changed or deleted."""
    return (*session_.new, *session_.dirty, *session_.deleted)
