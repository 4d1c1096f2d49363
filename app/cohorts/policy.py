"""The rules of a cohort's life: an archived cohort is read-only (no edits, no enrolment, no
reviewer changes); it stays in the reports. The one place this rule is written."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.cohorts.errors import CohortArchived
from app.cohorts.models import Cohort


def is_writable(cohort: Cohort) -> bool:
    return cohort.archived_at is None


def ensure_writable(cohort: Cohort) -> None:
    """Raise ``CohortArchived`` (nothing changed) for a write on an archived cohort; routes call
    it before showing a form, and every service that changes a cohort calls it too."""
    if not is_writable(cohort):
        raise CohortArchived(
            _l("This group is archived and can no longer be changed."), cohort_id=cohort.id
        )
