"""Signed, expiring tokens for emailed links (password reset, email confirmation)."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

RESET = "password-reset"
VERIFY = "email-verify"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"tekser-{purpose}")


def password_fingerprint(password_hash: str | None) -> str:
    """Changes whenever the password does, so a reset link works only once."""
    return hashlib.sha256((password_hash or "-").encode()).hexdigest()[:16]


def make(purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def read(purpose: str, token: str, max_age: int) -> dict[str, Any] | None:
    """The payload, or None for a token that is forged, for another purpose, or expired."""
    if not token or len(token) > 500:
        return None
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is a subclass
        return None
    return payload if isinstance(payload, dict) else None
