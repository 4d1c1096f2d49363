"""A module page's lesson, brief, captions and transcript are kept per course version and
language: a revisit reads none of the content columns; an import that changes the course moves
``imported_at`` and the next visit shows the new content (issue 19)."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.learning.models import Course, Module

M1 = "/courses/demo/modules/m1"


def content_reads(counter) -> int:
    return len([s for s in counter.statements if "lesson_html" in s])


def test_a_revisit_reads_no_content(client, student, login, count_queries):
    login(client, student)
    with count_queries() as first:
        html = client.get(M1).get_data(as_text=True)
    assert "<p>Lesson 1</p>" in html and "<p>Brief</p>" in html and "Hello" in html
    with count_queries() as again:
        assert client.get(M1 + "?lang=en").get_data(as_text=True).count("<p>Lesson 1</p>") == 1
    assert content_reads(first) == 1 and content_reads(again) == 0

    ru = client.get(M1 + "?lang=ru").get_data(as_text=True)  # another language: its own entry
    assert "<p>Урок 1</p>" in ru
    assert "<p>Brief</p>" in ru  # the brief has no Russian: the fallback, with its notice


def test_a_new_course_version_is_shown_at_once(app, client, student, login):
    login(client, student)
    assert "<p>Lesson 1</p>" in client.get(M1).get_data(as_text=True)
    with app.app_context():
        course = db.session.scalars(db.select(Course).where(Course.slug == "demo")).one()
        module = db.session.scalars(
            db.select(Module).where(Module.course_id == course.id, Module.slug == "m1")
        ).one()
        module.lesson_html = {"en": "<p>Lesson 1, revised</p>"}
        course.imported_at = course.imported_at + timedelta(seconds=1)  # as an import does
        db.session.commit()
    assert "<p>Lesson 1, revised</p>" in client.get(M1).get_data(as_text=True)
