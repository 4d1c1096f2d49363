"""How the audit log names its events, the things they are about and their details, in the
reader's language. Plain dicts, so each domain's new codes are one added line; a code without
a label is shown as it is stored.

``SECURITY_EVENTS`` is what the audit log's "Security events" filter selects; these events are
also written to the server log as one JSON line each (``app.audit.services.record``).
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l

LOGIN_SUCCEEDED = "auth.login_succeeded"
LOGIN_FAILED = "auth.login_failed"
LOGOUT = "auth.logout"
RATE_LIMITED = "auth.rate_limited"
PASSWORD_RESET_REQUESTED = "auth.password_reset_requested"  # noqa: S105 (an event code)
PASSWORD_RESET = "user.password_reset"  # noqa: S105 (done; the code predates this module)
PASSWORD_CHANGED = "auth.password_changed"  # noqa: S105 (an event code)
PASSWORD_CHANGE_FAILED = "auth.password_change_failed"  # noqa: S105 (an event code)
EMAIL_CONFIRMED = "auth.email_confirmed"
INVITATION_SENT = "auth.invitation_sent"
INVITATION_ACCEPTED = "auth.invitation_accepted"
DEACTIVATED = "user.deactivated"
REACTIVATED = "user.reactivated"
ACCESS_DENIED = "access.denied"

SECURITY_LABELS = {
    LOGIN_SUCCEEDED: _l("Signed in"),
    LOGIN_FAILED: _l("Failed sign-in"),
    LOGOUT: _l("Signed out"),
    RATE_LIMITED: _l("Too many attempts (blocked)"),
    PASSWORD_RESET_REQUESTED: _l("Password reset requested"),
    PASSWORD_RESET: _l("Password reset"),
    PASSWORD_CHANGED: _l("Password changed"),
    PASSWORD_CHANGE_FAILED: _l("Password change refused (wrong current password)"),
    EMAIL_CONFIRMED: _l("Email address confirmed"),
    INVITATION_SENT: _l("Invitation sent"),
    INVITATION_ACCEPTED: _l("Invitation accepted"),
    DEACTIVATED: _l("Account deactivated"),
    REACTIVATED: _l("Account reactivated"),
    ACCESS_DENIED: _l("Access denied"),
}

SECURITY_EVENTS = frozenset(SECURITY_LABELS)

# Filters on the audit page: category -> (label, the event codes it selects).
CATEGORIES = {"security": (_l("Security events"), SECURITY_EVENTS)}

EVENT_LABELS = {
    "announcement.edited": _l("Announcement edited"),
    "announcement.posted": _l("Announcement published"),
    "certificate.issued": _l("Certificate issued"),
    "certificate.revoked": _l("Certificate revoked"),
    "cohort.announce_setting": _l("Setting changed: reviewers may post announcements"),
    "cohort.archived": _l("Group archived"),
    "cohort.created": _l("Group created"),
    "cohort.enrolment_imported": _l("Students enrolled from a file"),
    "cohort.extension_granted": _l("Extension granted"),
    "cohort.extension_removed": _l("Extension removed"),
    "cohort.invite_closed": _l("Invitation link closed"),
    "cohort.invite_opened": _l("Invitation link opened"),
    "cohort.invite_regenerated": _l("New invitation link made"),
    "cohort.reviewer_assigned": _l("Reviewer assigned to a group"),
    "cohort.reviewer_removed": _l("Reviewer removed from a group"),
    "cohort.schedule_changed": _l("Group schedule changed"),
    "cohort.updated": _l("Group settings changed"),
    "homework.graded": _l("Homework graded"),
    "review.sample_marked": _l("Homework marked for double marking"),
    "review.first_grade_held": _l("First grade of double-marked homework (held back)"),
    "review.second_grade_given": _l("Second grade of double-marked homework"),
    "review.grades_agreed": _l("Double marking: grades agree (outcome published)"),
    "review.grades_disagreed": _l("Double marking: grades disagree"),
    "review.disagreement_settled": _l("Double marking: disagreement settled"),
    "review.first_grade_released": _l("Double marking: first grade published without a second"),
    "mail.retried": _l("Email sent again"),
    "teaching.students_nudged": _l("Students at risk nudged"),
    "user.roles_changed": _l("Roles changed"),
    **SECURITY_LABELS,
}

TARGET_LABELS = {
    "certificate": _l("Certificate"),
    "cohort": _l("Group"),
    "outboxmessage": _l("Email"),
    "submission": _l("Homework"),
    "user": _l("Account"),
}

DETAIL_LABELS = {
    "after": _l("After"),
    "allowed": _l("Allowed"),
    "announcement_id": _l("Announcement"),
    "attempts": _l("Attempts"),
    "before": _l("Before"),
    "changed": _l("Changed"),
    "chosen": _l("Grade chosen (1 first, 2 second)"),
    "double_marked": _l("Double-marked"),
    "code": _l("Code"),
    "cohort_id": _l("Group"),
    "counts": _l("Counts"),
    "course_id": _l("Course"),
    "days": _l("Days"),
    "decision": _l("Decision"),
    "email": _l("Email address given"),
    "endpoint": _l("Page"),
    "filename": _l("File"),
    "first": _l("First decision"),
    "import_id": _l("Import"),
    "key": _l("Counted by"),
    "languages": _l("Languages"),
    "late_policy": _l("Late work"),
    "limit": _l("Limit"),
    "marked": _l("Marked"),
    "method": _l("Method"),
    "module_id": _l("Module"),
    "name": _l("Name"),
    "note": _l("Note"),
    "outcome": _l("Outcome"),
    "path": _l("Address"),
    "points": _l("Points"),
    "reason": _l("Reason"),
    "reviewer_id": _l("Reviewer"),
    "second": _l("Second decision"),
    "seed": _l("Seed"),
    "settled": _l("Settled"),
    "share": _l("Share (%)"),
    "timezone": _l("Time zone"),
    "status": _l("Status"),
    "students": _l("Students"),
    "student_id": _l("Student"),
    "to": _l("Recipient"),
    "user_id": _l("Account"),
    "version": _l("Version"),
    "waiting": _l("Waiting"),
}


# Values of the "outcome" detail that security events write.
OUTCOME_LABELS = {
    "failure": _l("failed"),
    "ignored": _l("ignored"),
    "refused": _l("refused"),
    "sent": _l("sent"),
    "success": _l("succeeded"),
}


def event_label(code: str) -> str:
    """The event's name in the current language; an unknown code as it is stored."""
    label = EVENT_LABELS.get(code)
    return str(label) if label is not None else code


def target_label(kind: str | None) -> str:
    label = TARGET_LABELS.get(kind or "")
    return str(label) if label is not None else (kind or "")


def detail_items(details: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(label, value) pairs to show one event's details; nested values as compact JSON."""
    items = []
    for key, value in (details or {}).items():
        label = DETAIL_LABELS.get(key)
        if key == "outcome" and value in OUTCOME_LABELS:
            shown = str(OUTCOME_LABELS[value])
        elif isinstance(value, str):
            shown = value
        elif isinstance(value, list) and all(isinstance(v, str | int) for v in value):
            shown = ", ".join(str(v) for v in value) or "—"
        else:
            shown = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
        items.append((str(label) if label is not None else key, shown))
    return items
