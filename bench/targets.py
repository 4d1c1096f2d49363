"""What is measured, in one table you can edit.

URLs are templates filled from the seed's answer (``{course}``, ``{module}``, ``{cohort_id}``,
``{code}``). ``who`` names the signed-in user the request carries (``None``: anonymous). A page
that answers 404 (not built yet) gets a "not available" row instead of numbers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    url: str
    who: str | None


PAGES = [
    Page("landing", "landing page", "/", None),
    Page("dashboard", "student dashboard", "/dashboard", "student"),
    Page("module", "module page", "/courses/{course}/modules/{module}", "student"),
    Page("review_queue", "reviewer queue", "/review/", "reviewer"),
    # The admin console (issue 6) and certificates (issue 5) are being built: a page answering
    # 404 is reported "not available". Change a URL here if it moves.
    Page(
        "admin_dashboard", "admin cohort dashboard", "/admin/cohorts/{cohort_id}/dashboard", "admin"
    ),
    Page("verify", "verification page", "/verify/{code}", None),
]

# The scale section (PostgreSQL, 100,000 students): page, URL, target in ms (None: no time target).
SCALE_PAGES = [
    Page(
        "admin_dashboard", "admin cohort dashboard", "/admin/cohorts/{cohort_id}/dashboard", "admin"
    ),
    Page("student_table", "student table, page 1", "/admin/cohorts/{cohort_id}/students", "admin"),
    Page("review_queue", "reviewer queue", "/review/", "reviewer"),
]
SCALE_TARGET_MS = {"admin_dashboard": 500, "student_table": 200, "review_queue": 100}
# Full CSV exports of the cohort, streamed: the student table, and every grade.
SCALE_EXPORTS = [
    Page(
        "students_csv",
        "CSV export of the student table",
        "/admin/cohorts/{cohort_id}/export/students.csv",
        "admin",
    ),
    Page(
        "grades_csv",
        "CSV export of the grades",
        "/admin/cohorts/{cohort_id}/export/grades.csv",
        "admin",
    ),
]
# Growth of the worker's peak RSS during the export that still counts as "constant memory".
EXPORT_MAX_GROWTH_MIB = 64

# Sent by every benchmark request (Flask-Login's session protection hashes it with the address).
USER_AGENT = "tekser-bench/1"

TARGETS = {
    "throughput_ratio_min": 0.5,
    "cpu_ratio_max": 2.0,
    "certificate_ms_max": 100,
}
