"""The secret of a student's private calendar feed: random, shown once, stored as a hash.

Making a new one replaces the old (whoever had the old URL loses it); revoking clears it.
"""

from __future__ import annotations

import hashlib
import secrets

from app.auth.models import User
from app.extensions import db

TOKEN_MAX = 100


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_calendar_token(user: User) -> str:
    """A new secret for the user's feed (the old URL stops working)."""
    token = secrets.token_urlsafe(32)
    user.calendar_token_hash = _hash(token)
    db.session.flush()
    return token


def revoke_calendar_token(user: User) -> bool:
    """No feed any more; False if there was none."""
    had = user.calendar_token_hash is not None
    user.calendar_token_hash = None
    db.session.flush()
    return had


def user_for_calendar_token(token: str) -> User | None:
    """The active account whose feed ``token`` opens, or None."""
    if not token or len(token) > TOKEN_MAX:
        return None
    user = db.session.scalar(db.select(User).where(User.calendar_token_hash == _hash(token)))
    return user if user is not None and user.active else None
