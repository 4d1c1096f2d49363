"""Access matrix for the learning and cohort routes: anonymous, outsider (a student of another
course), enrolled student, module still locked, reviewer of the cohort, admin."""

import pytest

from app.policy import Role

ENDPOINTS = {
    "learning.module",
    "learning.mark_read",
    "learning.video_progress",
    "learning.captions",
    "learning.take_quiz",
    "learning.quiz_attempt",
    "cohorts.join",
}

CONCEALS = {"learning.quiz_attempt"}  # checked by tests/test_access.py

M1, M2 = "/courses/demo/modules/m1", "/courses/demo/modules/m2"
GETS = [M1, M1 + "/quiz", M1 + "/captions/en.vtt"]


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
    reviewer = make_user(Role.REVIEWER)
    other_reviewer = make_user(Role.REVIEWER)
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


@pytest.mark.parametrize("url", GETS)
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
def test_module_pages(check_access, people, url, who, expected):
    check_access("GET", url, people.get(who), expected)


@pytest.mark.parametrize("url", [M2, M2 + "/quiz", M2 + "/captions/en.vtt"])
def test_a_locked_module_is_refused_and_logged(app, client, login, people, url):
    from app.audit.models import AuditEvent
    from app.extensions import db

    login(client, people["student"])
    response = client.get(url)
    assert response.status_code == 403
    assert "Lesson 2" not in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "access.denied"))
            is not None
        )


@pytest.mark.parametrize("path", ["/read", "/video-progress", "/quiz"])
@pytest.mark.parametrize(
    "who, expected",
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("reviewer", 403),
        ("admin", 403),
    ],
)
def test_only_the_enrolled_student_records_progress(check_access, people, path, who, expected):
    check_access("POST", M1 + path, people.get(who), expected, {"seconds": "5", "token": "t" * 20})


def test_another_students_quiz_attempt_answers_like_a_missing_one(
    app, client, login, people, make_user, enrol, course
):
    """A result page by id: someone else's attempt and an id that does not exist get the same
    404 page; the refusal alone is logged."""
    from app.audit.models import AuditEvent
    from app.extensions import db
    from app.learning import quiz
    from app.learning.models import Module
    from tests.fixtures.homework import as_shown

    classmate = make_user()
    enrol(classmate, course[1])
    with app.app_context():
        module = db.session.scalar(db.select(Module).where(Module.slug == "m1"))
        attempt = quiz.submit_quiz(classmate.id, module, {"q1": ["a"]}, quiz.new_token())
        db.session.commit()
        attempt_id = attempt.attempt.id
    login(client, people["student"])
    theirs_url = f"{M1}/quiz/attempts/{attempt_id}"
    missing_url = f"{M1}/quiz/attempts/999999"

    theirs, missing = client.get(theirs_url), client.get(missing_url)

    assert (theirs.status_code, missing.status_code) == (404, 404)
    assert as_shown(theirs, theirs_url) == as_shown(missing, missing_url)
    with app.app_context():
        events = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "access.denied")
        ).all()
        assert [(e.actor_id, e.details["endpoint"]) for e in events] == [
            (people["student"].id, "learning.quiz_attempt")
        ]
    login(client, classmate)
    assert client.get(theirs_url).status_code == 200
