"""How the audit log names its events, the things they are about and their details, in the
reader's language. Plain dicts, so each domain's new codes are one added line; a code without
a label is shown as it is stored."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l

EVENT_LABELS = {
    "access.denied": _l("Access refused"),
    "certificate.issued": _l("Certificate issued"),
    "certificate.revoked": _l("Certificate revoked"),
    "cohort.archived": _l("Group archived"),
    "cohort.created": _l("Group created"),
    "cohort.enrolment_imported": _l("Students enrolled from a file"),
    "cohort.invite_closed": _l("Invitation link closed"),
    "cohort.invite_opened": _l("Invitation link opened"),
    "cohort.invite_regenerated": _l("New invitation link made"),
    "cohort.reviewer_assigned": _l("Reviewer assigned to a group"),
    "cohort.reviewer_removed": _l("Reviewer removed from a group"),
    "cohort.updated": _l("Group settings changed"),
    "homework.graded": _l("Homework graded"),
    "user.deactivated": _l("Account deactivated"),
    "user.password_reset": _l("Password reset"),
    "user.reactivated": _l("Account reactivated"),
    "user.roles_changed": _l("Roles changed"),
}

TARGET_LABELS = {
    "certificate": _l("Certificate"),
    "cohort": _l("Group"),
    "submission": _l("Homework"),
    "user": _l("Account"),
}

DETAIL_LABELS = {
    "after": _l("After"),
    "before": _l("Before"),
    "changed": _l("Changed"),
    "code": _l("Code"),
    "cohort_id": _l("Group"),
    "counts": _l("Counts"),
    "course_id": _l("Course"),
    "decision": _l("Decision"),
    "endpoint": _l("Page"),
    "filename": _l("File"),
    "import_id": _l("Import"),
    "method": _l("Method"),
    "module_id": _l("Module"),
    "name": _l("Name"),
    "note": _l("Note"),
    "path": _l("Address"),
    "points": _l("Points"),
    "reason": _l("Reason"),
    "reviewer_id": _l("Reviewer"),
    "student_id": _l("Student"),
    "user_id": _l("Account"),
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
        if isinstance(value, str):
            shown = value
        elif isinstance(value, list) and all(isinstance(v, str | int) for v in value):
            shown = ", ".join(str(v) for v in value) or "—"
        else:
            shown = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
        items.append((str(label) if label is not None else key, shown))
    return items
