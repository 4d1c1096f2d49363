"""The completion rule of course.yaml (``completion: homework``) decides what earns the
certificate: the progress rules, the completion signal and the certificate all read it."""

from __future__ import annotations

import pytest

from app.certificates import services
from app.certificates.services import NotComplete
from app.extensions import db
from app.learning import progress
from app.learning.models import Course, Module


def _modules(course_id: int) -> list[Module]:
    return list(
        db.session.scalars(
            db.select(Module).where(Module.course_id == course_id).order_by(Module.position)
        )
    )


def _lesson_and_quiz(user_id: int, module: Module) -> bool:
    progress.mark_lesson_read(user_id, module)
    progress.mark_quiz_passed(user_id, module)
    return progress.refresh_completion(user_id, module)


@pytest.fixture
def learner(make_user, enrol):
    def make(cohort_id: int):
        user = make_user()
        enrol(user, cohort_id)
        return user

    return make


def test_by_default_homework_must_be_accepted(app, make_course, learner):
    course_id, cohort_id = make_course()
    student = learner(cohort_id)
    with app.app_context():
        for module in _modules(course_id):
            assert _lesson_and_quiz(student.id, module) is False
        db.session.commit()
        assert services.certificates_of(student.id) == []
        with pytest.raises(NotComplete):
            services.issue_certificate(student.id, course_id, cohort_id)


def test_without_homework_in_the_rule_lesson_and_quiz_earn_the_certificate(
    app, make_course, learner
):
    course_id, cohort_id = make_course(homework_required=False)
    student = learner(cohort_id)
    with app.app_context():
        modules = _modules(course_id)
        for module in modules:
            assert _lesson_and_quiz(student.id, module) is True
        db.session.commit()
        assert len(services.certificates_of(student.id)) == 1
        course = db.session.get(Course, course_id)
        cohort_progress = progress.course_progress(
            student.id, course, services.cohorts.enrolment_for(student.id, course_id).cohort
        )
        assert cohort_progress.is_complete


def test_relaxing_the_rule_at_import_completes_who_it_now_counts(app, make_course, learner):
    """A student with every lesson and quiz done gets the certificate when a re-import drops
    the homework from the rule, not only at their next step."""
    from app.learning.progress import complete_pending

    course_id, cohort_id = make_course()
    student = learner(cohort_id)
    with app.app_context():
        for module in _modules(course_id):
            _lesson_and_quiz(student.id, module)
        db.session.get(Course, course_id).homework_required = False
        assert complete_pending(course_id) == 3
        db.session.commit()
        assert len(services.certificates_of(student.id)) == 1
        assert complete_pending(course_id) == 0


@pytest.mark.parametrize(
    "required, shown, hidden",
    [
        (True, "have your homework fact-check accepted by a reviewer", "not needed for"),
        (False, "is not needed for the certificate", "accepted by a reviewer"),
    ],
)
def test_students_see_the_rule_on_the_landing_page_and_dashboard(
    app, client, make_course, learner, login, required, shown, hidden
):
    _course_id, cohort_id = make_course(homework_required=required, pass_mark=80)
    student = learner(cohort_id)
    landing = client.get("/").get_data(as_text=True)
    assert "What earns the certificate" in landing and shown in landing and hidden not in landing
    assert "at least 80%" in landing
    login(client, student)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert shown in dashboard and "at least 80%" in dashboard


def test_the_rule_is_shown_in_the_students_language(app, client, make_course, learner, login):
    _course_id, cohort_id = make_course()
    student = learner(cohort_id)
    with app.app_context():
        db.session.execute(
            db.update(type(student)).where(type(student).id == student.id).values(locale="kk")
        )
        db.session.commit()
    login(client, student)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Сертификат" in html or "сертификат" in html
    assert "What earns the certificate" not in html
