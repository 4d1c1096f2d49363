"""Who may see what in the admin console (used by the routes and the templates alike)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.cohorts import services as cohorts
from app.cohorts.models import Cohort
from app.policy import Role, has_role, is_admin

if TYPE_CHECKING:
    from app.auth.models import User
    from app.reports.stats import CohortFacts


def can_view_progress(user: User | Any, cohort: Cohort | CohortFacts) -> bool:
    """Admins see every cohort; a reviewer sees the progress of the cohorts assigned to them
    now (read per request, so a removal takes effect on the next request)."""
    if is_admin(user):
        return True
    return has_role(user, Role.REVIEWER) and cohort.id in cohorts.reviewer_cohort_ids(user.id)


def can_see_emails(user: User | Any) -> bool:
    """Students' email addresses are for admins; reviewers see names and progress only."""
    return is_admin(user)
