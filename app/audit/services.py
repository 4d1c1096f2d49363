"""Writing to the audit log. Services call ``record``; the request's transaction commits it.

Security events (``app.audit.events.SECURITY_EVENTS``) also go to the server log as one JSON
line each, for log shippers and alerting; text a visitor typed is cleaned first so it can never
start a line of its own.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from typing import TYPE_CHECKING, Any

from flask import current_app, g, has_request_context, request
from flask_login import current_user
from limits import parse as parse_limit

from app.audit.events import ACCESS_DENIED, RATE_LIMITED, SECURITY_EVENTS
from app.audit.models import AuditEvent
from app.db import utcnow
from app.extensions import db

if TYPE_CHECKING:
    from flask_limiter import RequestLimit

security_log = logging.getLogger("app.security")

# Control characters, format characters (bidi overrides, zero-width) and line/paragraph
# separators: anything that could forge a log line or hide what an address really is.
_UNPRINTABLE = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def clean_text(value: Any, limit: int = 254) -> str:
    """Submitted text made safe to store and log: unprintable characters become U+FFFD."""
    text = str(value or "")[: limit * 2]
    cleaned = "".join("\ufffd" if unicodedata.category(ch) in _UNPRINTABLE else ch for ch in text)
    return cleaned[:limit]


def record(
    action: str,
    *,
    actor: Any = None,
    target: Any = None,
    **details: Any,
) -> AuditEvent:
    """Add one audit event to the session (flushed with the caller's transaction)."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        target_type=type(target).__name__.lower() if target is not None else None,
        target_id=getattr(target, "id", None),
        details=details,
        at=utcnow(),
    )
    if has_request_context():
        event.ip = request.remote_addr
        event.request_id = g.get("request_id")
    db.session.add(event)
    _log(event)
    return event


def record_after_refusal(action: str, *, actor_id: int | None = None, **details: Any) -> None:
    """Note an event of a request that is being refused: the refusal rolls the request's
    transaction back, so ``write_denied`` stores these afterwards, on their own."""
    if actor_id is None and current_user.is_authenticated:
        actor_id = current_user.id
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        ip=request.remote_addr,
        request_id=g.get("request_id"),
        details={
            "endpoint": request.endpoint,
            "method": request.method,
            "path": clean_text(request.path, 200),
            **details,
        },
        at=utcnow(),
    )
    g.setdefault("denied_events", []).append(event)
    _log(event)


def record_denied(reason: str) -> None:
    """Note a refused request; ``write_denied`` stores it after the refusal's rollback."""
    record_after_refusal(ACCESS_DENIED, reason=reason[:200])


# A flood of refused requests must not become a flood of audit rows: one per key a minute.
RATE_LIMITED_RECORDS = parse_limit("1 per minute")


def record_rate_limited(request_limit: RequestLimit) -> None:
    """Flask-Limiter's ``on_breach``: the request is about to be answered 429."""
    args = list(getattr(request_limit, "request_args", None) or [])
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
    if prefix and args and args[0] == prefix:  # the site's prefix (Redis), not the key
        args = args[1:]
    limiter = getattr(request_limit, "limiter", None)
    if limiter is not None and not limiter.hit(RATE_LIMITED_RECORDS, "audit-429", *args):
        return
    record_after_refusal(
        RATE_LIMITED,
        outcome="refused",
        limit=str(request_limit.limit),
        key=clean_text(args[0], 120) if args else None,
    )


def write_denied() -> None:
    """After a request was refused and rolled back: commit its audit events on their own."""
    events = g.pop("denied_events", [])
    if events:
        db.session.add_all(events)
        db.session.commit()


def _log(event: AuditEvent) -> None:
    if event.action not in SECURITY_EVENTS:
        return
    line = {
        "event": event.action,
        "at": event.at.isoformat() if event.at else None,
        "user_id": event.actor_id,
        "target": f"{event.target_type}:{event.target_id}" if event.target_type else None,
        "ip": event.ip,
        "request_id": event.request_id,
        **(event.details or {}),
    }
    # ensure_ascii: even a character that slipped past clean_text is written as an escape.
    security_log.info("security %s", json.dumps(line, ensure_ascii=True, default=str))
