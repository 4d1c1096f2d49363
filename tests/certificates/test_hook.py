"""The completion hook: learning announces a completed course (``course_completed``), the
certificates domain's receiver issues the certificate, once, in the same transaction."""

import pytest

from app.certificates import services
from app.extensions import db
from app.learning import progress
from app.learning.models import Module, ModuleProgress
from app.learning.signals import course_completed
from app.unit_of_work import rollback


def _modules(course_id: int) -> list[Module]:
    return db.session.scalars(
        db.select(Module).where(Module.course_id == course_id).order_by(Module.position)
    ).all()


def _complete(user_id: int, module: Module) -> bool:
    progress.mark_lesson_read(user_id, module)
    progress.mark_quiz_passed(user_id, module)
    return progress.refresh_completion(user_id, module)


@pytest.fixture
def student(app, make_user, enrol, course, accepted):
    user = make_user()
    enrol(user, course[1])
    accepted.add(user.id)
    return user


def test_completing_the_last_module_issues_the_certificate(app, student, course):
    with app.app_context():
        modules = _modules(course[0])
        for module in modules:
            assert services.certificates_of(student.id) == []
            assert _complete(student.id, module) is True
        db.session.commit()
        assert len(services.certificates_of(student.id)) == 1
        assert progress.refresh_completion(student.id, modules[-1]) is False
        assert len(services.certificates_of(student.id)) == 1


def test_the_signal_is_sent_once_with_the_course(app, student, course):
    sent = []

    def listen(_sender, **kwargs):
        sent.append(kwargs)

    with app.app_context(), course_completed.connected_to(listen):
        for module in _modules(course[0]):
            _complete(student.id, module)
        progress.refresh_completion(student.id, _modules(course[0])[-1])  # already complete
    assert sent == [{"user_id": student.id, "course_id": course[0]}]


def test_the_certificate_is_issued_in_the_completing_transaction(app, student, course):
    with app.app_context():
        modules = _modules(course[0])
        for module in modules:
            _complete(student.id, module)
        assert len(services.certificates_of(student.id)) == 1  # not committed yet
        rollback()
        assert services.certificates_of(student.id) == []
        rows = db.session.scalars(
            db.select(ModuleProgress).where(ModuleProgress.user_id == student.id)
        ).all()
        assert rows == []  # the completion went with it


def test_a_failing_issue_rolls_back_the_completion(app, student, course, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("signing key unavailable")

    monkeypatch.setattr(services, "issue_certificate", broken)
    with app.app_context():
        modules = _modules(course[0])
        for module in modules[:-1]:
            _complete(student.id, module)
        db.session.commit()
        with pytest.raises(RuntimeError):
            _complete(student.id, modules[-1])
        rollback()  # what the request or command does with the error
        last = db.session.scalar(
            db.select(ModuleProgress).where(
                ModuleProgress.user_id == student.id, ModuleProgress.module_id == modules[-1].id
            )
        )
        assert last is None or last.completed_at is None
        assert services.certificates_of(student.id) == []
