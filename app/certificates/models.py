"""Certificates and the published revocation status list."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import languages
from app.db import UTCDateTime, utcnow
from app.extensions import Model
from app.learning.models import Course

# A Bitstring Status List must hold at least 131,072 entries (16 KiB), so that one revoked
# certificate cannot be told apart from the rest by the list's size (herd privacy).
STATUS_LIST_SIZE = 131_072
STATUS_LIST_ID = 1


class RevocationReason(enum.StrEnum):
    MISCONDUCT = "misconduct"
    ISSUED_IN_ERROR = "issued_in_error"
    IDENTITY = "identity"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(REASON_LABELS[self])


REASON_LABELS = {
    RevocationReason.MISCONDUCT: _l("Academic misconduct"),
    RevocationReason.ISSUED_IN_ERROR: _l("Issued in error"),
    RevocationReason.IDENTITY: _l("Identity could not be confirmed"),
    RevocationReason.OTHER: _l("Other reason"),
}

_REASONS_SQL = ", ".join(f"'{r.value}'" for r in RevocationReason)


class Certificate(Model):
    """One per student and course, issued once. The name is the one the student wrote."""

    __tablename__ = "certificate"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        CheckConstraint(languages.sql_in("lang"), name="lang_known"),
        CheckConstraint(
            f"status_index >= 0 AND status_index < {STATUS_LIST_SIZE}", name="status_index_range"
        ),
        # Revoked implies a date and a reason category; not revoked implies neither.
        CheckConstraint(
            "(revoked_at IS NULL AND revoked_reason IS NULL) OR "
            "(revoked_at IS NOT NULL AND revoked_reason IS NOT NULL)",
            name="revocation_complete",
        ),
        CheckConstraint(
            f"revoked_reason IS NULL OR revoked_reason IN ({_REASONS_SQL})",
            name="revoked_reason_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    holder_name: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(2))
    completed_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_index: Mapped[int] = mapped_column(unique=True)
    credential: Mapped[dict[str, Any]] = mapped_column(JSON)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(32))
    revoked_note: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship(lazy="joined", innerjoin=True)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def reason(self) -> RevocationReason | None:
        return RevocationReason(self.revoked_reason) if self.revoked_reason else None


class StatusList(Model):
    """The signed BitstringStatusListCredential as last published (re-signed on each change)."""

    __tablename__ = "certificate_status_list"
    __table_args__ = (CheckConstraint("purpose IN ('revocation')", name="purpose_known"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    purpose: Mapped[str] = mapped_column(String(16), default="revocation")
    credential: Mapped[dict[str, Any]] = mapped_column(JSON)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
