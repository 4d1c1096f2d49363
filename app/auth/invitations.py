"""Invitation links: an enrolled person's way to choose their first password.

Each invitation carries its own random token (not a password-reset token): valid for
``INVITATION_MAX_AGE_DAYS``, usable once, and replaced when the invitation is sent again.
Only its SHA-256 is stored, so a copy of the database holds no working link.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app

from app.auth.models import User
from app.db import utcnow
from app.extensions import db

TOKEN_MAX = 100


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def max_age() -> timedelta:
    return timedelta(days=current_app.config["INVITATION_MAX_AGE_DAYS"])


def issue_invitation_token(user: User) -> str:
    """A new invitation token for ``user``; any earlier one stops working."""
    token = secrets.token_urlsafe(32)
    user.invitation_token_hash = _hash(token)
    user.invitation_sent_at = utcnow()
    return token


def user_for_invitation(token: str) -> User | None:
    """The person a live invitation link is for, or None (unknown, used, replaced, expired,
    deactivated, or the person has chosen a password some other way)."""
    if not token or len(token) > TOKEN_MAX:
        return None
    user = db.session.scalar(db.select(User).where(User.invitation_token_hash == _hash(token)))
    if user is None or not user.active or user.password_hash is not None:
        return None
    if user.invitation_sent_at is None or utcnow() - user.invitation_sent_at > max_age():
        return None
    return user


def invitation_account_id(token: str) -> int | None:
    user = user_for_invitation(token)
    return user.id if user else None
