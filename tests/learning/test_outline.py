"""A course's current modules (id, position, title) are kept per course version: lists read
no module rows once kept, and an import that changes the course (which moves ``imported_at``)
is seen at once (issue 19)."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.learning.models import Course, Module
from app.learning.services import course_modules


def _course(app):
    with app.app_context():
        return db.session.scalars(db.select(Course).where(Course.slug == "demo")).one()


def test_the_current_modules_in_order_read_once(app, student, count_queries):
    course = _course(app)
    with app.app_context():
        with count_queries() as first:
            modules = course_modules(course.id, course.imported_at)
        with count_queries() as again:
            assert course_modules(course.id, course.imported_at) == modules
        expected = db.session.execute(
            db.select(Module.id, Module.position)
            .where(Module.course_id == course.id, Module.retired.is_(False))
            .order_by(Module.position)
        ).all()
    assert [(m.id, m.position) for m in modules] == [tuple(row) for row in expected]
    assert all(m.title.get("en") for m in modules)
    reads = [[s for s in c.statements if "module" in s] for c in (first, again)]
    assert len(reads[0]) == 1 and reads[1] == []


def test_a_new_course_version_is_read_again(app, student):
    course = _course(app)
    with app.app_context():
        before = course_modules(course.id, course.imported_at)
        row = db.session.get(Course, course.id)
        retired = db.session.get(Module, before[-1].id)
        retired.retired = True  # as an import drops a module
        db.session.get(Module, before[0].id).title = {"en": "Renamed"}
        row.imported_at = row.imported_at + timedelta(seconds=1)  # as an import does
        db.session.commit()
        after = course_modules(row.id, row.imported_at)
    assert [m.id for m in after] == [m.id for m in before[:-1]]
    assert after[0].title == {"en": "Renamed"}
