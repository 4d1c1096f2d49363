"""Loading what a route works on, with the access rules applied."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.admin.policy import can_view_progress
from app.cohorts.models import Cohort
from app.extensions import db
from app.learning.models import Course
from app.policy import conceal
from app.reports import services as reports


def cohort_or_404(cohort_id: int, *options) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id, options=options)
    if cohort is None:
        abort(404)
    return cohort


def viewable_cohort(cohort_id: int) -> Cohort:
    """The cohort, if the current user may see its progress (else 404 as for a missing id,
    and logged); with its course's modules, which every progress page shows (one statement)."""
    cohort = cohort_or_404(cohort_id, joinedload(Cohort.course).joinedload(Course.modules))
    if not can_view_progress(current_user, cohort):
        conceal(f"cohort progress {cohort_id}")
    return cohort


def viewable_cohort_facts(cohort_id: int) -> reports.CohortFacts:
    """``viewable_cohort`` for a page that shows only the cohort's name, settings and modules:
    one single-row statement, the modules from the course version's outline."""
    cohort = reports.cohort_facts(cohort_id)
    if cohort is None:
        abort(404)
    if not can_view_progress(current_user, cohort):
        conceal(f"cohort progress {cohort_id}")
    return cohort


def page_arg(value: str | None) -> int:
    """``?page=``: a positive number, else 400."""
    if not value:
        return 1
    if not value.isdigit() or not 1 <= int(value) <= 100_000:
        abort(400)
    return int(value)
