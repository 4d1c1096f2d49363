"""Exports of a cohort (admins only): CSV of the student table and the grades, JSON progress."""

from __future__ import annotations

from flask import Response, stream_with_context
from flask_babel import get_locale

from app.admin import bp
from app.admin.routes._load import cohort_or_404
from app.policy import Role, role_required
from app.reports import services as reports


def _download(body, mimetype: str, filename: str) -> Response:
    return Response(
        stream_with_context(body),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/cohorts/<int:cohort_id>/export/students.csv")
@role_required(Role.ADMIN)
def export_students(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    body = reports.students_csv(cohort, str(get_locale()))
    return _download(body, "text/csv", f"cohort-{cohort.id}-students.csv")


@bp.route("/cohorts/<int:cohort_id>/export/grades.csv")
@role_required(Role.ADMIN)
def export_grades(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    body = reports.grades_csv(cohort, str(get_locale()))
    return _download(body, "text/csv", f"cohort-{cohort.id}-grades.csv")


@bp.route("/cohorts/<int:cohort_id>/export/progress.json")
@role_required(Role.ADMIN)
def export_progress(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    return _download(
        reports.progress_json(cohort), "application/json", f"cohort-{cohort.id}-progress.json"
    )
