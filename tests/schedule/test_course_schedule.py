"""``course.yaml``'s ``schedule``: read, checked, imported; the bundled course has one."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.learning.content.importer import import_course
from app.learning.content.spec import read_course
from app.learning.models import Course
from tests.fixtures.app import ROOT
from tests.learning.course_fixture import edit, write_course

SCHEDULE = "schedule:\n  module_every_days: 7\n  homework_due_days: 6\nmodules:\n"


def test_the_schedule_is_imported(app, tmp_path):
    course = write_course(tmp_path)
    edit(course, "course.yaml", "modules:\n", SCHEDULE)
    spec = read_course(course)
    assert not spec.errors
    with app.app_context():
        import_course(spec)
        db.session.commit()
        row = db.session.scalar(select(Course))
        assert (row.module_every_days, row.homework_due_days) == (7, 6)


def test_without_a_schedule_there_are_no_default_dates(app, tmp_path):
    spec = read_course(write_course(tmp_path))
    assert not spec.errors and spec.module_every_days is None


def test_bad_schedules_are_reported_with_their_line(tmp_path):
    course = write_course(tmp_path)
    edit(course, "course.yaml", "modules:\n", SCHEDULE.replace("7", "-1").replace("6", "x"))
    edit(course, "course.yaml", "  homework_due_days", "  homework_due_dayz")
    messages = [str(p) for p in read_course(course).errors]
    assert any("module_every_days must be a number from 0 to 365" in m for m in messages)
    assert any("unknown key 'homework_due_dayz'" in m for m in messages)


def test_the_bundled_course_runs_a_module_a_week():
    spec = read_course(ROOT / "courses" / "fact-checking")
    assert not spec.errors
    assert (spec.module_every_days, spec.homework_due_days) == (7, 6)
