"""The kinds of non-essential mail a person can opt out of, one by one.

Essential mail (account confirmation, password reset, invitations) has no kind: it is always
sent and carries no unsubscribe link. Every other message is queued with its kind
(``mail.queue(..., kind=Kind.REMINDERS, user_id=...)``), which checks the opt-out and adds the
one-click unsubscribe headers (RFC 8058).
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Kind(enum.StrEnum):
    REMINDERS = "reminders"  # homework due soon (students)
    ANNOUNCEMENTS = "announcements"  # news written to a cohort
    NUDGES = "nudges"  # "you have fallen behind" messages from an admin
    FEEDBACK = "feedback"  # your homework was accepted or returned
    DIGEST = "digest"  # the reviewers' daily summary of waiting work


LABELS = {
    Kind.REMINDERS: _l("Reminders before homework is due"),
    Kind.ANNOUNCEMENTS: _l("Announcements to your group"),
    Kind.NUDGES: _l("Messages when you fall behind"),
    Kind.FEEDBACK: _l("News about your homework reviews"),
    Kind.DIGEST: _l("The reviewers' daily digest"),
}

# What students are offered on their preferences page; reviewers and admins see every kind.
STUDENT_KINDS = (Kind.REMINDERS, Kind.ANNOUNCEMENTS, Kind.NUDGES, Kind.FEEDBACK)


def parse(value: str | None) -> Kind | None:
    """The kind named ``value``, or None for anything else."""
    try:
        return Kind(value) if value else None
    except ValueError:
        return None
