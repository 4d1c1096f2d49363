"""What the admin console asks of the reports: figures, the student table, exports.

Every figure is a grouped query over the whole cohort (``app.reports.queries``), never one per
student; exports stream (``app.reports.streaming``).
"""

from __future__ import annotations

from collections.abc import Iterator

from app.cohorts.models import Cohort
from app.reports import exports, stats, students
from app.reports.labels import BACKLOG as BACKLOG
from app.reports.labels import MODULE_STATES as MODULE_STATES
from app.reports.stats import CohortFacts as CohortFacts
from app.reports.stats import Dashboard as Dashboard
from app.reports.stats import cohort_facts as cohort_facts
from app.reports.stats import dashboard as dashboard
from app.reports.streaming import csv_lines as csv_lines
from app.reports.streaming import snapshot
from app.reports.students import DIRECTIONS as DIRECTIONS
from app.reports.students import SEARCH_MAX as SEARCH_MAX
from app.reports.students import SORTS as SORTS
from app.reports.students import TableQuery as TableQuery


def student_table(cohort: Cohort, table: TableQuery, *, search_emails: bool) -> students.Page:
    """One page of the cohort's student table, searched and sorted as ``table`` says."""
    return students.page(cohort, table, search_emails=search_emails)


def students_csv(cohort: Cohort, locale: str) -> Iterator[str]:
    return exports.students_csv(snapshot(cohort), locale)


def grades_csv(cohort: Cohort, locale: str) -> Iterator[str]:
    return exports.grades_csv(snapshot(cohort), locale)


def progress_json(cohort: Cohort) -> Iterator[str]:
    """Every student's progress, with the cohort's summary figures first."""
    figures = stats.dashboard(cohort)
    summary = {
        "enrolled": figures.enrolled,
        "funnel": [
            {"step": kind, "modules": n, "students": count} for kind, n, count in figures.funnel
        ],
        "homework": figures.backlog,
        "feedback_hours": {
            "median": figures.feedback_median,
            "p90": figures.feedback_p90,
            "reviewed": figures.feedback_count,
        },
        "certificates": {"issued": figures.certificates, "revoked": figures.revoked},
    }
    return exports.progress_json(snapshot(cohort), summary)
