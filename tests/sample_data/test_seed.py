"""``flask seed``: a large realistic cohort, in bulk, that the dashboards can read."""

import time

from app.cohorts.models import Cohort, Enrolment
from app.extensions import db
from app.homework.models import Submission
from app.learning.models import ModuleProgress
from app.sample_data.cli import seed


def test_seed_makes_a_cohort_with_progress(app, world, as_admin):
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(seed, ["--students", "2000", "--random-seed", "3"])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert elapsed < 60, elapsed
    with app.app_context():
        cohort = db.session.scalar(db.select(Cohort).order_by(Cohort.id.desc()))
        assert (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(Enrolment)
                .where(Enrolment.cohort_id == cohort.id)
            )
            == 2000
        )
        completed = db.session.scalar(
            db.select(db.func.count())
            .select_from(ModuleProgress)
            .where(ModuleProgress.completed_at.is_not(None))
        )
        waiting = db.session.scalar(
            db.select(db.func.count())
            .select_from(Submission)
            .where(Submission.status == "submitted")
        )
        assert completed > 1000 and waiting > 10
    html = as_admin.get(f"/admin/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
    assert "2000" in html


def test_seed_needs_a_course(app):
    result = app.test_cli_runner().invoke(seed, ["--students", "5"])
    assert result.exit_code != 0 and "no course" in result.output
