"""The completion hook: completing the last module issues the certificate, once."""

import inspect

import pytest

from app.certificates import services
from app.extensions import db
from app.learning import progress
from app.learning.models import Module

wired = "certificates" in inspect.getsource(progress.refresh_completion)


@pytest.mark.skipif(not wired, reason="refresh_completion does not call the certificates hook yet")
def test_completing_the_last_module_issues_the_certificate(app, make_user, enrol, course, accepted):
    user = make_user()
    enrol(user, course[1])
    accepted.add(user.id)
    with app.app_context():
        modules = db.session.scalars(
            db.select(Module).where(Module.course_id == course[0]).order_by(Module.position)
        ).all()
        for module in modules:
            assert services.certificates_of(user.id) == []
            progress.mark_lesson_read(user.id, module)
            progress.mark_quiz_passed(user.id, module)
            assert progress.refresh_completion(user.id, module) is True
        db.session.commit()
        assert len(services.certificates_of(user.id)) == 1
        assert progress.refresh_completion(user.id, modules[-1]) is False
        assert len(services.certificates_of(user.id)) == 1
