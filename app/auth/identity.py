"""The signed-in identity without a database round trip on most requests (ADR 0024).

A login is still a ``login_session`` row (ADR 0001); what changes is how often it is read. Each
worker keeps, per login token, the user's columns and roles for ``LOGIN_CACHE_SECONDS`` (a few
seconds) and builds the request's ``User`` from them without a query. Revocation stays prompt:

- in the worker (or test) that makes the change, at once: every flush that touches a user, a
  role grant or a login session, and every bulk UPDATE/DELETE of those tables through the ORM
  session, forgets the cached identities concerned (``_after_flush``, ``_on_execute``);
- in the browser that made the change, at once in every worker: the session cookie carries the
  time of its user's last change (``IDENTITY_AT``), and an identity cached before it is reloaded;
- in every other worker, within ``LOGIN_CACHE_SECONDS``: the entry expires and the row is read
  again (a logout elsewhere, a deactivation, a password change, a role change).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_request_context, session
from sqlalchemy import inspect
from sqlalchemy.orm import Session, make_transient_to_detached

from app import worker_cache
from app.auth.models import LoginSession, RoleGrant, User
from app.extensions import db
from app.policy import Role
from app.worker_cache import signed_in_id as signed_in_id

IDENTITY_AT = "_identity_at"
MAX_ENTRIES = 20_000
PENDING = "tekser_identity_changed"
# The columns an identity carries: all but the password hash (read only when a password is
# checked, and then loaded on access like any expired attribute).
_COLUMNS = [c for c in User.__table__.columns if c.key != "password_hash"]
_TABLES = {User.__table__, RoleGrant.__table__, LoginSession.__table__}


@dataclass(frozen=True, slots=True)
class Entry:
    loaded: float
    expires: float
    user_id: int
    columns: dict[str, Any]
    roles: frozenset[Role]


_cache: dict[str, Entry] = {}
now = time.time  # tests move the clock


def lookup(token_hash: str) -> User | None:
    """The signed-in user named by ``token_hash``, attached to this request's session; None
    when the login no longer exists or the user is deactivated."""
    entry = _cache.get(token_hash)
    t = now()
    if entry is None or entry.expires <= t or entry.loaded < _changed_at():
        entry = _load(token_hash, t)
        if entry is None:
            _cache.pop(token_hash, None)
            return None
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[token_hash] = entry
    return _attach(entry)


def _changed_at() -> float:
    return float(session.get(IDENTITY_AT, 0)) if has_request_context() else 0.0


def _load(token_hash: str, t: float) -> Entry | None:
    """One Core select: the login, its user and the user's roles (a row per role)."""
    rows = db.session.execute(
        db.select(*_COLUMNS, RoleGrant.role)
        .select_from(LoginSession)
        .join(User, User.id == LoginSession.user_id)
        .outerjoin(RoleGrant, RoleGrant.user_id == User.id)
        .where(LoginSession.token_hash == token_hash)
    ).all()
    if not rows or not rows[0].active:
        return None
    first = rows[0]
    columns = {c.key: getattr(first, c.key) for c in _COLUMNS}
    roles = frozenset(Role(row.role) for row in rows if row.role is not None)
    ttl = float(current_app.config.get("LOGIN_CACHE_SECONDS", 5))
    return Entry(t, t + ttl, first.id, columns, roles)


def _attach(entry: Entry) -> User:
    """A persistent ``User`` in this request's session, built without a query. An attribute the
    entry lacks (the password hash, the grants) loads on access."""
    key = inspect(User).identity_key_from_primary_key((entry.user_id,))
    user = db.session.identity_map.get(key)
    if user is None:
        user = inspect(User).class_manager.new_instance()
        user.__dict__.update(entry.columns)
        make_transient_to_detached(user)
        db.session.add(user)
    user.__dict__["cached_roles"] = entry.roles  # read by ``User.roles``
    return user


def forget(user_ids: set[int] | None = None) -> None:
    """Drop the cached identities of ``user_ids`` (all of them when None)."""
    if user_ids is None:
        _cache.clear()
        return
    for token_hash, entry in list(_cache.items()):
        if entry.user_id in user_ids:
            _cache.pop(token_hash, None)


def _changed(session_: Session) -> set[int]:
    changed: set[int] = set()
    for obj in worker_cache.flushed(session_):
        if isinstance(obj, User):
            if obj in session_.dirty and not session_.is_modified(obj):
                continue
            changed.add(obj.id)
        elif isinstance(obj, RoleGrant | LoginSession):
            changed.add(obj.user_id)
    return changed


def _touches(state) -> bool:
    return (state.is_update or state.is_delete) and getattr(
        state.statement, "table", None
    ) in _TABLES


worker_cache.watch(PENDING, forget, IDENTITY_AT, lambda: now(), changed=_changed, touches=_touches)
