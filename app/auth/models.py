"""Accounts: people, their roles and their signed-in sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app import languages
from app.db import UTCDateTime, utcnow
from app.extensions import Model
from app.policy import Role
from app.textsearch import fold

NAME_MAX = 120
EMAIL_MAX = 254
PASSWORD_MIN = 10
PASSWORD_MAX = 128
SEARCH_NAME_MAX = 4 * NAME_MAX  # case folding and NFKC can lengthen a name


def search_key(name: str | None) -> str:
    return fold(name or "")[:SEARCH_NAME_MAX]


def _search_name_default(context) -> str:
    # Also fills bulk Core inserts (enrolment, seed), which never pass through ``validates``.
    return search_key(context.get_current_parameters().get("name"))


class User(Model):
    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint(languages.sql_in("locale"), name="locale_known"),
        # Lists of people by name, a page at a time (the admin's student table): read in index
        # order instead of sorting everyone.
        Index("ix_user_name_id", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    # ``fold(name)``: what name searches compare (app.textsearch), on SQLite and PostgreSQL.
    search_name: Mapped[str] = mapped_column(String(SEARCH_NAME_MAX), default=_search_name_default)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(2))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The pending invitation (choose a first password): SHA-256 of its single-use token and
    # when it was sent. Re-sending replaces the hash (the old link dies); using it clears it.
    invitation_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invitation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The zone the student reads dates in (an IANA name); None: their cohort's.
    timezone: Mapped[str | None] = mapped_column(String(64))
    # SHA-256 of the secret in the private calendar feed's URL; None: no feed.
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )

    @validates("name")
    def _keep_search_name(self, _key: str, value: str) -> str:
        self.search_name = search_key(value)
        return value

    # Flask-Login protocol (the session id, not the user id, identifies a login).
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def roles(self) -> set[Role] | frozenset[Role]:
        # The signed-in user's roles come with the cached identity (app/auth/identity.py),
        # unless its grants were loaded (and perhaps changed) in this request.
        cached = self.__dict__.get("cached_roles")
        if cached is not None and "grants" not in self.__dict__:
            return cached
        return {grant.role for grant in self.grants}

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class RoleGrant(Model):
    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="role",
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants")


class LoginSession(Model):
    """One signed-in browser. Logging out or changing the password deletes it server-side."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the random token kept in the signed session cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class PasswordResetRequest(Model):
    """One ``/forgot-password`` form sent, kept until a job has written its mail (ADR 0017).

    Written in the request's transaction whoever asked, so the request does the same work for
    any address; the job marks it processed in the transaction that writes the mail (nothing,
    for no account), and a sweep re-runs the ones a dead worker left. It holds no address: the
    audit log records who asked, from where."""

    __tablename__ = "password_reset_request"
    __table_args__ = (
        # The sweep (unprocessed, oldest first) and the daily prune (old rows).
        Index("ix_password_reset_request_processed_created", "processed_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The active account the address belonged to when asked; None for anyone else.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
