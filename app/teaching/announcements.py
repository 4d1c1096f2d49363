"""Announcements: written in one to three languages (Markdown, sanitised like the lessons),
shown in each student's language with the kk -> ru -> en fallback, emailed from the queue in
batches, and edited with every version kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

from flask import current_app
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Executable, bindparam, select

from app import mail
from app.audit.services import record
from app.auth.models import User
from app.cohorts.models import Cohort, Enrolment
from app.cohorts.policy import ensure_writable
from app.db import utcnow
from app.errors import ConflictError, DomainError
from app.extensions import db
from app.learning import services as learning
from app.learning.content import LANGS, Picked, pick
from app.links import external_url
from app.teaching.models import Announcement, AnnouncementVersion, LangText

TITLE_MAX = 200
BODY_MAX = 20_000
PAGE = 20


class AnnouncementError(DomainError, ValueError):
    """The text cannot be saved as it is; nothing was changed."""


class StaleAnnouncement(ConflictError):
    """Someone else edited the announcement since the form was loaded."""


@dataclass(frozen=True)
class Shown:
    """An announcement as one reader sees it: in their language, or the nearest one."""

    announcement: Announcement | Any  # or a row of its id, created_at and edited_at
    title: Picked
    html: Picked

    @property
    def is_fallback(self) -> bool:
        return self.html.is_fallback or self.title.is_fallback

    @property
    def posted(self) -> str:
        """When it was posted, as the page's language writes it in the site's zone."""
        return _written(self.announcement.created_at, str(get_locale()), _site_zone())

    @property
    def edited(self) -> str | None:
        at = self.announcement.edited_at
        return None if at is None else _written(at, str(get_locale()), _site_zone())


def _site_zone() -> str:
    return str(current_app.config["BABEL_DEFAULT_TIMEZONE"])


@lru_cache(maxsize=2048)
def _written(at: datetime, locale: str, zone: str) -> str:
    """Babel's short date and time (the template filter ``datetimeformat('short')``): most of
    an announcement's cost on a page, and the same for every student of the cohort, so each
    worker keeps it (``locale`` and ``zone`` are the key: the filter reads them from the
    request and the settings)."""
    return str(format_datetime(at, "short"))


def clean(titles: LangText, bodies: LangText) -> tuple[LangText, LangText]:
    """The languages written (a title and a text each), at least one; else AnnouncementError."""
    title, body = {}, {}
    for lang in LANGS:
        t, b = (titles.get(lang) or "").strip(), (bodies.get(lang) or "").strip()
        if not t and not b:
            continue
        if not t or not b:
            raise AnnouncementError(_l("Give both a title and a text in each language you use."))
        if len(t) > TITLE_MAX or len(b) > BODY_MAX:
            raise AnnouncementError(_l("Some text is too long."))
        title[lang], body[lang] = t, b
    if not title:
        raise AnnouncementError(_l("Write the announcement in at least one language."))
    return title, body


def _render(body: LangText) -> LangText:
    return {lang: learning.render_markdown(text) for lang, text in body.items()}


def _keep_version(announcement: Announcement, author: User) -> None:
    db.session.add(
        AnnouncementVersion(
            announcement_id=announcement.id,
            version=announcement.version,
            title=dict(announcement.title),
            body=dict(announcement.body),
            written_by_id=author.id,
            written_at=announcement.edited_at or announcement.created_at,
        )
    )


def post(author: User, cohort: Cohort, titles: LangText, bodies: LangText) -> Announcement:
    """Publish to the cohort's students now (``services.post_announcement`` also sends the
    emails from the queue once this commits)."""
    ensure_writable(cohort)
    title, body = clean(titles, bodies)
    announcement = Announcement(
        cohort_id=cohort.id,
        author_id=author.id,
        created_at=utcnow(),
        version=1,
        title=title,
        body=body,
        body_html=_render(body),
    )
    db.session.add(announcement)
    db.session.flush()
    _keep_version(announcement, author)
    record("announcement.posted", actor=author, target=cohort, languages=sorted(title))
    return announcement


def edit(
    editor: User, announcement: Announcement, version: int, titles: LangText, bodies: LangText
) -> None:
    """A new wording, kept beside the earlier ones; not emailed again."""
    locked = db.session.scalars(
        select(Announcement)
        .where(Announcement.id == announcement.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    ensure_writable(db.session.get_one(Cohort, locked.cohort_id))
    if locked.version != version:
        raise StaleAnnouncement(
            _l("Someone else changed this announcement meanwhile. Reload the page.")
        )
    title, body = clean(titles, bodies)
    locked.title, locked.body, locked.body_html = title, body, _render(body)
    locked.version += 1
    locked.edited_at = utcnow()
    db.session.flush()
    _keep_version(locked, editor)
    record(
        "announcement.edited",
        actor=editor,
        target=db.session.get(Cohort, locked.cohort_id),
        announcement_id=locked.id,
        version=locked.version,
    )


def shown(announcement: Announcement, lang: str) -> Shown:
    return Shown(announcement, pick(announcement.title, lang), pick(announcement.body_html, lang))


def for_student(user_id: int, lang: str, *, limit: int = PAGE, offset: int = 0) -> list[Shown]:
    """The announcements of the student's cohorts, newest first (one Core statement: the
    columns the pages show, no entities)."""
    rows = db.session.connection().execute(
        _for_student(), {"user_id": user_id, "limit": limit, "offset": offset}
    )
    return [Shown(row, pick(row.title, lang), pick(row.body_html, lang)) for row in rows]


@cache
def _for_student() -> Executable:
    cohort_ids = select(Enrolment.cohort_id).where(Enrolment.user_id == bindparam("user_id"))
    return (
        select(
            Announcement.id,
            Announcement.created_at,
            Announcement.edited_at,
            Announcement.title,
            Announcement.body_html,
        )
        .where(Announcement.cohort_id.in_(cohort_ids))
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


def of_cohort(cohort_id: int, *, limit: int = PAGE, offset: int = 0) -> Sequence[Announcement]:
    return db.session.scalars(
        select(Announcement)
        .where(Announcement.cohort_id == cohort_id)
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()


def history(announcement: Announcement) -> Sequence[tuple[AnnouncementVersion, str | None]]:
    """Every version, newest first, with its writer's name."""
    return db.session.execute(
        select(AnnouncementVersion, User.name)
        .outerjoin(User, User.id == AnnouncementVersion.written_by_id)
        .where(AnnouncementVersion.announcement_id == announcement.id)
        .order_by(AnnouncementVersion.version.desc())
    ).all()


def _queue_mail(user: User, announcement: Announcement, cohort: Cohort, kind: mail.Kind) -> None:
    """The one place announcement emails are queued (nothing for a student who opted out of
    ``kind``; the others get the one-click unsubscribe)."""
    locale = user.locale or cohort.default_locale
    mail.queue(
        user.email,
        "announcement",
        locale,
        kind=kind,
        user_id=user.id,
        user=user,
        title=str(pick(announcement.title, locale)),
        text=str(pick(announcement.body, locale)),
        html=str(pick(announcement.body_html, locale)),  # sanitised on save
        url=external_url("teaching.announcements"),
    )


def mail_batch(announcement_id: int, size: int) -> int:
    """Email the next ``size`` students of the cohort (by id), in one unit of work with the
    cursor: a retried batch starts after the last committed one, so nobody gets it twice."""
    announcement = db.session.scalars(
        select(Announcement).where(Announcement.id == announcement_id).with_for_update()
    ).one_or_none()
    if announcement is None or announcement.mail_done:
        return 0
    cohort = db.session.get_one(Cohort, announcement.cohort_id)
    students = db.session.scalars(
        select(User)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(
            Enrolment.cohort_id == cohort.id,
            User.id > announcement.mailed_through_user_id,
            User.active.is_(True),
        )
        .order_by(User.id)
        .limit(size)
    ).all()
    if not students:
        announcement.mail_done = True
        return 0
    for student in students:
        _queue_mail(student, announcement, cohort, kind=mail.Kind.ANNOUNCEMENTS)
    announcement.mailed_through_user_id = students[-1].id
    return len(students)
