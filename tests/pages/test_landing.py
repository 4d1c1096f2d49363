"""The landing page presents the first course, from a card kept in memory per language until an
import changes the course."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.learning.models import Course
from tests.fixtures.course import build_course


def test_landing_page_presents_the_course_in_the_visitors_language(app, client):
    with app.app_context():
        build_course(2)
        db.session.commit()
    ru = client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    kk = client.get("/", headers={"Accept-Language": "kk"}).get_data(as_text=True)
    assert "Demo course (ru)" in ru and "Module 2 (ru)" in ru
    assert "Demo course (kk)" in kk and "Module 1 (kk)" in kk


def test_a_cached_card_costs_one_small_query(app, client, count_queries):
    with app.app_context():
        build_course(3)
        db.session.commit()
    client.get("/")
    with count_queries() as counter:
        page = client.get("/").get_data(as_text=True)
    assert "Module 3" in page
    queries = [s for s in counter.statements if s.strip().upper() != "BEGIN"]  # SQLite's own
    assert len(queries) == 1
    assert "module" not in queries[0].lower().split("from")[1]


def test_an_import_that_changes_the_course_shows_at_once(app, client):
    with app.app_context():
        course_id = build_course(2).id
        db.session.commit()
    assert "Demo course" in client.get("/").get_data(as_text=True)
    with app.app_context():
        course = db.session.get(Course, course_id)
        course.title = {"kk": "Жаңа атау", "ru": "Новое название", "en": "New title"}
        course.imported_at = course.imported_at + timedelta(seconds=1)  # what an import does
        db.session.commit()
    page = client.get("/", headers={"Accept-Language": "kk"}).get_data(as_text=True)
    assert "Жаңа атау" in page and "Demo course" not in page


def test_without_a_course_the_landing_page_still_renders(client):
    assert client.get("/").status_code == 200
