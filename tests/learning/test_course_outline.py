"""The course outline kept per course version (app/learning/outline.py, issue 19): a revisit
reads no course or module row; a re-import that changes the course is shown at once on the
dashboard and the module page (titles, module order, retired modules), and so is a module
changed without an import."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.cohorts import services as cohorts
from app.extensions import db
from app.learning.content.importer import import_course
from app.learning.content.spec import read_course
from app.learning.models import Course, Module
from tests.learning.course_fixture import SLUG, course_yaml, edit, write, write_course

DASHBOARD = "/dashboard"
MODULES = f"/courses/{SLUG}/modules"


def run_import(app, path) -> None:
    with app.app_context():
        import_course(read_course(path))
        db.session.commit()


def add_module(folder, name, slug) -> None:
    for path in (folder / "02-sources").iterdir():
        write(folder, f"{name}/{path.name}", path.read_text())
    edit(folder, f"{name}/module.yaml", "slug: sources", f"slug: {slug}")
    edit(folder, f"{name}/module.yaml", '"Sources en"', f'"{slug.title()} en"')


@pytest.fixture
def folder(app, tmp_path):
    """The course folder with three modules, imported, and a cohort that opens all at once."""
    path = write_course(tmp_path)
    add_module(path, "03-extra", "extra")
    write(path, "course.yaml", course_yaml(("01-intro", "02-sources", "03-extra")))
    run_import(app, path)
    with app.app_context():
        course = db.session.scalars(select(Course).where(Course.slug == SLUG)).one()
        cohort = cohorts.create_cohort(course, "Cohort A")
        cohort.sequential = False
        db.session.commit()
        cohort_id = cohort.id
    return path, cohort_id


@pytest.fixture
def reader(client, folder, make_user, enrol, login):
    student = make_user()
    enrol(student, folder[1])
    login(client, student)
    return client


def outline_reads(counter) -> int:
    return len([s for s in counter.statements if "module.video_url" in s])


def order(html: str, *titles: str) -> list[int]:
    return [html.index(t) for t in titles]


def test_a_revisit_reads_no_course_row(reader, count_queries):
    with count_queries() as first:
        html = reader.get(DASHBOARD).get_data(as_text=True)
    assert order(html, "Intro en", "Sources en", "Extra en") == sorted(
        order(html, "Intro en", "Sources en", "Extra en")
    )
    with count_queries() as again:
        assert reader.get(DASHBOARD).status_code == 200
        assert "Intro en" in reader.get(f"{MODULES}/intro").get_data(as_text=True)
    assert outline_reads(first) == 1
    assert outline_reads(again) == 0


def test_a_reimport_shows_new_titles_order_and_no_retired_module(app, reader, folder):
    folder = folder[0]
    assert "Extra en" in reader.get(DASHBOARD).get_data(as_text=True)
    assert reader.get(f"{MODULES}/extra").status_code == 200

    # An import that changes only a title: the same modules, a new course version.
    edit(folder, "01-intro/module.yaml", '"Intro en"', '"Introduction en"')
    run_import(app, folder)
    html = reader.get(DASHBOARD).get_data(as_text=True)
    assert "Introduction en" in html and "Intro en" not in html
    assert "<h1>Introduction en</h1>" in reader.get(f"{MODULES}/intro").get_data(as_text=True)

    # Then the order swapped and a module no longer listed (retired).
    write(folder, "course.yaml", course_yaml(("02-sources", "01-intro")))
    run_import(app, folder)

    html = reader.get(DASHBOARD).get_data(as_text=True)
    assert "Introduction en" in html and "Intro en" not in html
    assert html.index("Sources en") < html.index("Introduction en")
    assert "Extra en" not in html
    assert f'href="{MODULES}/extra"' not in html
    assert "0 of 2 modules complete" in html
    page = reader.get(f"{MODULES}/intro").get_data(as_text=True)
    assert "<h1>Introduction en</h1>" in page
    assert "Module 2" in page  # its new position
    assert reader.get(f"{MODULES}/extra").status_code == 404


def test_a_module_changed_without_an_import_is_read_again(app, reader):
    assert "Extra en" in reader.get(DASHBOARD).get_data(as_text=True)
    with app.app_context():
        module = db.session.scalars(select(Module).where(Module.slug == "extra")).one()
        module.retired = True  # imported_at stays: the module list itself tells
        db.session.commit()
    html = reader.get(DASHBOARD).get_data(as_text=True)
    assert "Extra en" not in html and "0 of 2 modules complete" in html
    assert reader.get(f"{MODULES}/extra").status_code == 404
