"""Writing to the audit log. Services call ``record``; the request's transaction commits it."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request
from flask_login import current_user

from app.audit.models import AuditEvent
from app.db import utcnow
from app.extensions import db


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
    )
    if has_request_context():
        event.ip = request.remote_addr
        event.request_id = g.get("request_id")
    db.session.add(event)
    return event


def record_denied(reason: str) -> None:
    """Note a refused request; ``write_denied`` stores it after the refusal's rollback."""
    actor_id = current_user.id if current_user.is_authenticated else None
    g.setdefault("denied_events", []).append(
        AuditEvent(
            action="access.denied",
            actor_id=actor_id,
            ip=request.remote_addr,
            request_id=g.get("request_id"),
            details={
                "endpoint": request.endpoint,
                "method": request.method,
                "path": request.path[:200],
                "reason": reason[:200],
            },
            at=utcnow(),
        )
    )


def write_denied() -> None:
    """After a request was refused and rolled back: commit its audit events on their own."""
    events = g.pop("denied_events", [])
    if events:
        db.session.add_all(events)
        db.session.commit()
