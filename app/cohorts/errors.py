"""The cohorts domain's exceptions (``app.cohorts.services`` re-exports them)."""

from __future__ import annotations


class EnrolmentError(ValueError):
    """``str(error)`` is a translated message."""


class CohortArchived(EnrolmentError):
    """The cohort is archived: read-only, kept for reports. The application answers it with
    the cohort's page and this message (``app.cohorts.routes``), whatever raised it."""

    def __init__(self, message, cohort_id: int | None = None):
        super().__init__(message)
        self.cohort_id = cohort_id


class CohortChanged(EnrolmentError):
    """Another admin saved the cohort's settings after this form was loaded."""
