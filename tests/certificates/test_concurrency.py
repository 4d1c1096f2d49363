"""The last modules completed at the same moment (two reviewers accepting two homeworks at once,
a quiz and an acceptance together): the certificate is issued exactly once, never zero times."""

from app.certificates.models import Certificate
from app.extensions import db
from app.learning import progress
from app.learning.models import Module
from tests.concurrency import at_once


def test_modules_completed_at_once_issue_one_certificate(app, make_user, enrol, course, accepted):
    student = make_user(name="Әлия Сейітқызы")
    enrol(student, course[1])
    accepted.add(student.id)
    with app.app_context():
        modules = db.session.scalars(db.select(Module).order_by(Module.position)).all()
        ids = [m.id for m in modules]
        for module in modules:  # everything done, the completion not yet noticed
            progress.mark_lesson_read(student.id, module)
            progress.mark_quiz_passed(student.id, module)
        db.session.commit()

    def complete(module_id):
        def job():
            with app.app_context():
                became = progress.refresh_completion(student.id, db.session.get(Module, module_id))
                db.session.commit()
                return became

        return job

    assert at_once([complete(i) for i in ids]) == [True] * len(ids)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Certificate)) == 1
