"""Server-side login sessions.

The signed cookie carries only a random token; the ``login_session`` row it names is the login.
Deleting the row (logout, password change, deactivation) ends that login everywhere at once,
which a purely client-side cookie cannot do.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import request, session
from flask_login import login_user, logout_user

from app.auth import identity
from app.auth.models import LoginSession, User
from app.db import utcnow
from app.extensions import db, login_manager


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> None:
    """Sign ``user`` in on a fresh session (no data carried over from before the login)."""
    # ``current_user`` is a proxy; storing the proxy as the user would make it resolve to itself.
    user = getattr(user, "_get_current_object", lambda: user)()
    token = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(
            token_hash=_hash(token),
            user=user,
            user_agent=(request.user_agent.string or "")[:200],
        )
    )
    user.last_login_at = utcnow()
    session.clear()
    session.permanent = True
    user.login_token = token
    login_user(user)


def end_session() -> None:
    token = session.get("_user_id")
    if token:
        db.session.execute(db.delete(LoginSession).where(LoginSession.token_hash == _hash(token)))
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> None:
    db.session.execute(db.delete(LoginSession).where(LoginSession.user_id == user.id))


@login_manager.user_loader
def load_user(token: str) -> User | None:
    # No statement on most signed-in requests: the identity is cached for a few seconds, and
    # forgotten at once when it changes in this worker (ADR 0024, app/auth/identity.py).
    user = identity.lookup(_hash(token))
    if user is None:
        return None
    user.login_token = token
    return user


def _get_id(self: User) -> str | None:
    return getattr(self, "login_token", None)


User.get_id = _get_id
