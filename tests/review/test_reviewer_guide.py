"""The reviewer guide: beside the rubric for the cohort's reviewer, and nowhere a student (or
anyone else) can read it: not on the grading page of another cohort, not on any of the
student's pages, not in the feedback the student gets."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.learning.models import Module
from tests.fixtures.course import LEVELS
from tests.fixtures.homework import (
    as_user,
    grading,
    make_submission,
    open_for_review,
    post_grade,
    review_url,
)

SECRET = "GUIDE-NOTES-7Q"  # in every text of the guide, in every language


def _text(label: str, langs=("kk", "ru", "en")) -> dict[str, str]:
    return {lang: f"<p>{SECRET} {label} {lang}</p>" for lang in langs}


def guide_for(criteria: list[str], langs=("kk", "ru", "en")) -> dict:
    return {
        "general": _text("general", langs),
        "options": [
            {"id": "A", "title": {"en": "Option A"}, "notes": _text("option A", langs)},
        ],
        "levels": {
            key: {str(p): _text(f"{key} level {p}", langs) for p in LEVELS} for key in criteria
        },
    }


@pytest.fixture
def guided(app, world):
    """Module m1 with a reviewer guide; a submission of the owner waiting for review."""
    with app.app_context():
        module = db.session.get(Module, world.modules["m1"])
        module.reviewer_guide = guide_for([c.key for c in module.criteria])
        db.session.commit()
    return make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])


def test_the_reviewer_sees_the_guide_beside_the_rubric(app, login, world, guided):
    client = as_user(app, login, world.reviewer)
    status, _version = open_for_review(client, guided)
    html = client.get(review_url(guided)).get_data(as_text=True)
    assert status == 200
    assert f"{SECRET} general en" in html and f"{SECRET} option A en" in html
    # An example at each level of each criterion, inside the rubric's fieldsets.
    form = html[html.index('class="grade"') :]
    for p in LEVELS:
        assert f"{SECRET} c1 level {p} en" in form
    assert '<details class="reviewer-guide"' in html and "not shown to students" in html


def test_a_missing_language_falls_back_with_a_notice(app, login, world, guided):
    with app.app_context():
        module = db.session.get(Module, world.modules["m1"])
        module.reviewer_guide = guide_for(["c1"], langs=("ru",))
        db.session.commit()
    client = as_user(app, login, world.reviewer)  # reads English
    html = client.get(review_url(guided)).get_data(as_text=True)
    assert f"{SECRET} general ru" in html
    assert "This part is not available in English yet" in html


@pytest.mark.parametrize("who", ["owner", "classmate", "outsider", "other_reviewer", "admin"])
def test_nobody_else_reads_it_on_the_review_routes(app, login, world, guided, who):
    client = as_user(app, login, getattr(world, who))
    response = client.get(review_url(guided))
    assert response.status_code in (403, 404)  # another cohort's reviewer: as if missing
    assert SECRET not in response.get_data(as_text=True)
    # The queue (the reviewers') lists work, never the guide.
    assert SECRET not in client.get("/review/").get_data(as_text=True)


def test_anonymous_is_sent_to_log_in(app, guided):
    response = app.test_client().get(review_url(guided))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert SECRET not in response.get_data(as_text=True)


@pytest.mark.parametrize("decision", ["return", "accept"])
def test_no_page_of_the_student_shows_it_even_after_grading(app, login, world, guided, decision):
    reviewer = as_user(app, login, world.reviewer)
    assert post_grade(reviewer, guided, grading(world, decision=decision)).status_code == 302
    student = as_user(app, login, world.owner)
    base = "/courses/demo/modules/m1"
    for url in (
        "/dashboard",
        base,
        base + "/quiz",
        base + "/homework",
        "/notifications",
        "/",
    ):
        response = student.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.get_data(as_text=True), url
    # The feedback the student reads is on the homework page: there, and no guide.
    assert "Clear claim." in student.get(base + "/homework").get_data(as_text=True)


def test_an_admin_previewing_the_module_does_not_see_it(app, login, world, guided):
    admin = as_user(app, login, world.admin)
    for url in ("/courses/demo/modules/m1", "/courses/demo/modules/m1/quiz"):
        response = admin.get(url)
        assert response.status_code == 200
        assert SECRET not in response.get_data(as_text=True)


def test_a_rejected_grading_form_shows_the_guide_again(app, login, world, guided):
    reviewer = as_user(app, login, world.reviewer)
    response = post_grade(reviewer, guided, grading(world, points=(None, None)))
    assert response.status_code == 422
    assert f"{SECRET} c1 level 0 en" in response.get_data(as_text=True)
