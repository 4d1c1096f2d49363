"""Who may fetch a module's video, set a data saver, and see or upload in the console."""

from __future__ import annotations

import io

import pytest

from app.policy import Role
from tests.video.conftest import state

ENDPOINTS = {"video.media", "video.set_quality", "admin.videos", "admin.module_video",
             "admin.upload_video"}  # fmt: skip

M1, M2 = "/courses/demo/modules/m1", "/courses/demo/modules/m2"


@pytest.fixture
def people(app, make_user, enrol, course, make_course):
    from app.cohorts import services
    from app.cohorts.models import Cohort
    from app.extensions import db

    other_course = make_course(slug="other")
    outsider = make_user()
    enrol(outsider, other_course[1])
    student = make_user()
    enrol(student, course[1])
    reviewer, other_reviewer = make_user(Role.REVIEWER), make_user(Role.REVIEWER)
    with app.app_context():
        services.assign_reviewer(db.session.get(Cohort, course[1]), reviewer)
        services.assign_reviewer(db.session.get(Cohort, other_course[1]), other_reviewer)
        db.session.commit()
    return {
        "student": student,
        "outsider": outsider,
        "reviewer": reviewer,
        "other_reviewer": other_reviewer,
        "admin": make_user(Role.ADMIN),
    }


@pytest.fixture
def videos(app, offer, clip):
    """m1 and m2 (locked for a new student) both have a published English video."""
    assert offer(clip, "en", module="m1") == "queued"
    assert offer(clip, "en", module="m2") == "queued"


@pytest.mark.parametrize("kind", ["low", "poster"])
@pytest.mark.parametrize(
    "who, expected",
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("other_reviewer", 404),
        ("student", 200),
        ("reviewer", 200),
        ("admin", 200),
    ],
)
def test_media_of_an_open_module(check_access, people, videos, kind, who, expected):
    check_access("GET", f"{M1}/media/en/{kind}", people.get(who), expected)


@pytest.mark.parametrize("who, expected", [("student", 404), ("reviewer", 200), ("admin", 200)])
def test_a_module_the_student_has_not_reached_is_not_served(
    check_access, people, videos, who, expected
):
    check_access("GET", f"{M2}/media/en/low", people.get(who), expected)


def test_a_module_not_yet_open_in_the_calendar_is_not_served(app, client, login, people, videos):
    from datetime import timedelta

    from app.cohorts.models import Cohort
    from app.db import utcnow
    from app.extensions import db
    from app.learning.models import Module

    with app.app_context():
        cohort = db.session.scalar(db.select(Cohort).where(Cohort.name == "Cohort A"))
        cohort.starts_on = (utcnow() + timedelta(days=10)).date()
        db.session.commit()
        assert db.session.scalar(db.select(Module.id).where(Module.slug == "m1"))
    login(client, people["student"])
    assert client.get(f"{M1}/media/en/low").status_code == 404


@pytest.mark.parametrize(
    "who, expected",
    [("anonymous", 302), ("student", 403), ("reviewer", 403), ("admin", 200)],
)
@pytest.mark.parametrize("url", ["/admin/videos", "/admin/videos/demo/m1"])
def test_the_console_pages(check_access, people, course, url, who, expected):
    check_access("GET", url, people.get(who), expected)


def test_unknown_module_in_the_console(check_access, people, course):
    check_access("GET", "/admin/videos/demo/nope", people["admin"], 404)
    check_access("GET", "/admin/videos/missing/m1", people["admin"], 404)


@pytest.mark.parametrize("who, expected", [("student", 403), ("reviewer", 403)])
def test_only_admins_upload(app, client, login, people, clip, who, expected):
    login(client, people[who])
    response = client.post(
        "/admin/videos/demo/m1/en",
        data={"en-file": (io.BytesIO(clip.read_bytes()), "clip.mp4")},
        content_type="multipart/form-data",
    )
    assert response.status_code == expected
    assert state(app)["jobs"] == []


@pytest.mark.parametrize(
    "who, expected", [("anonymous", 302), ("student", 302), ("reviewer", 302), ("admin", 302)]
)
def test_anyone_signed_in_may_choose_a_data_saver(check_access, people, who, expected):
    check_access("POST", "/video/quality", people.get(who), expected, {"quality": "lowest"})


def test_upload_form_needs_its_csrf_token(app, client, login, people, clip):
    login(client, people["admin"])
    response = client.post(
        "/admin/videos/demo/m1/en",
        data={"en-file": (io.BytesIO(clip.read_bytes()), "clip.mp4")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert state(app)["jobs"] == []
