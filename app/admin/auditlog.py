"""Reading the audit log: filters by actor, action and date; pages, newest first. Read-only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, or_, select

from app.audit.events import CATEGORIES
from app.audit.models import AuditEvent
from app.auth.models import User
from app.extensions import db
from app.textsearch import contains_pattern

PER_PAGE = 50
ACTION_RE = re.compile(r"^[a-z_]{1,30}(\.[a-z_]{1,30}){0,2}\.?$")
ACTOR_MAX = 254


class BadFilter(ValueError):
    """A filter value outside what the page accepts (the route answers 400)."""


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""  # part of a name or an email address
    action: str = ""  # an exact action, or a prefix ending in "." (e.g. "user.")
    since: date | None = None
    until: date | None = None
    page: int = 1
    category: str = ""  # a key of app.audit.events.CATEGORIES, e.g. "security"

    @classmethod
    def parse(cls, args) -> AuditFilter:
        actor = args.get("actor", "").strip()
        action = args.get("action", "").strip()
        if len(actor) > ACTOR_MAX or any(ord(ch) < 32 for ch in actor):
            raise BadFilter("actor")
        if action and not ACTION_RE.match(action):
            raise BadFilter("action")
        category = args.get("category", "").strip()
        if category and category not in CATEGORIES:
            raise BadFilter("category")
        since, until = _date(args.get("since")), _date(args.get("until"))
        if since and until and until < since:
            raise BadFilter("dates")
        return cls(actor, action, since, until, _page(args.get("page")), category)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadFilter("date") from None


def _page(value: str | None) -> int:
    if not value:
        return 1
    if not value.isdigit() or not 1 <= int(value) <= 100_000:
        raise BadFilter("page")
    return int(value)


def _start_of(day: date) -> datetime:
    """Midnight of ``day`` in the platform's time zone, as UTC."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def events(filters: AuditFilter):
    """(events with their actors, total, page, pages)."""
    query = select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.actor_id)
    if filters.actor:
        pattern = contains_pattern(filters.actor)
        query = query.where(
            or_(
                User.search_name.like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
            )
        )
    if filters.action.endswith("."):
        query = query.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    elif filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.category:
        query = query.where(AuditEvent.action.in_(sorted(CATEGORIES[filters.category][1])))
    if filters.since:
        query = query.where(AuditEvent.at >= _start_of(filters.since))
    if filters.until:
        query = query.where(AuditEvent.at < _start_of(filters.until + timedelta(days=1)))
    total = db.session.scalar(
        select(func.count()).select_from(query.with_only_columns(AuditEvent.id).subquery())
    )
    pages = max(1, -(-(total or 0) // PER_PAGE))
    page = min(filters.page, pages)
    rows = db.session.execute(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return rows, total or 0, page, pages


def known_actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
