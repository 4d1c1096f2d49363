"""Issuing: exactly once, only for a complete course, in the caller's transaction."""

import threading

import pytest

from app.audit.models import AuditEvent
from app.certificates import services
from app.certificates.models import STATUS_LIST_SIZE, Certificate
from app.extensions import db
from tests.certificates.conftest import KAZAKH


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_a_complete_course_gives_one_certificate(app, graduate, course):
    user, code = graduate(name=f"Нұрсұлтан {KAZAKH}")
    with app.app_context():
        certificate = services.find_by_code(code)
        assert certificate.user_id == user.id
        assert (certificate.course_id, certificate.cohort_id) == course
        assert certificate.holder_name == f"Нұрсұлтан {KAZAKH}"  # as the student wrote it
        assert certificate.lang == "kk"
        assert 0 <= certificate.status_index < STATUS_LIST_SIZE
        assert certificate.completed_on is not None
        assert certificate.credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
        again = services.issue_certificate(user.id, *course)
        assert again.id == certificate.id
        assert services.issue_if_complete(user.id, course[0]).id == certificate.id
        db.session.commit()
        assert count(Certificate) == 1
        events = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "certificate.issued")
        ).all()
        assert len(events) == 1 and events[0].target_id == certificate.id
        assert events[0].details["code"] == code


def test_a_stored_name_with_control_characters_is_signed_without_them(
    app, make_user, enrol, course, complete, issue
):
    from app.auth.models import User

    user = make_user()
    with app.app_context():  # an old account, from before names were checked
        db.session.get(User, user.id).name = "Ерлан\u0007 Ә\u0301\nБек"
        db.session.commit()
    enrol(user, course[1])
    complete(user, course[0])
    code = issue(user, course)
    with app.app_context():
        certificate = services.find_by_code(code)
        assert certificate.holder_name == "Ерлан Ә\u0301 Бек"
        names = certificate.credential["credentialSubject"]["identifier"]
        assert names[1]["identityHash"] == certificate.holder_name


def test_an_incomplete_course_gives_no_certificate(app, make_user, enrol, course, complete):
    user = make_user()
    enrol(user, course[1])
    complete(user, course[0], modules=2)  # two of three modules
    with app.app_context():
        with pytest.raises(services.NotComplete):
            services.issue_certificate(user.id, *course)
        assert services.issue_if_complete(user.id, course[0]) is None
        assert count(Certificate) == 0
        assert services.certificates_of(user.id) == []


def test_lesson_and_quiz_without_accepted_homework_is_not_complete(
    app, make_user, enrol, course, complete, accepted
):
    user = make_user()
    enrol(user, course[1])
    complete(user, course[0])
    accepted.discard(user.id)  # the homework was never accepted
    with app.app_context(), pytest.raises(services.NotComplete):
        services.issue_certificate(user.id, *course)


def test_a_student_not_in_the_cohort_is_refused(app, make_user, course, make_course):
    other = make_course(slug="other")
    user = make_user()
    with app.app_context():
        with pytest.raises(services.CertificateError):
            services.issue_certificate(user.id, course[0], other[1])
        assert services.issue_if_complete(user.id, course[0]) is None


# On SQLite, pysqlite's own transaction handling lets the RELEASE of a first SAVEPOINT commit
# (SQLAlchemy's "pysqlite savepoint" recipe fixes it app-wide); PostgreSQL shows the contract.
@pytest.mark.postgres_only
def test_issuing_flushes_and_the_caller_decides(app, make_user, enrol, course, complete):
    user = make_user()
    enrol(user, course[1])
    complete(user, course[0])
    with app.app_context():
        services.issue_certificate(user.id, *course)
        db.session.rollback()  # the caller's transaction failed: nothing was issued
        assert count(Certificate) == 0
        assert not db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "certificate.issued")
        )


@pytest.mark.postgres_only
def test_twenty_concurrent_triggers_make_one_certificate(app, make_user, enrol, course, complete):
    user = make_user()
    enrol(user, course[1])
    complete(user, course[0])
    barrier = threading.Barrier(20)
    ids, errors = [], []

    def trigger():
        try:
            with app.app_context():
                barrier.wait(timeout=20)
                certificate = services.issue_if_complete(user.id, course[0])
                db.session.commit()
                ids.append(certificate.id)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=trigger) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(ids) == 20 and len(set(ids)) == 1
    with app.app_context():
        assert count(Certificate) == 1
        issued = db.session.scalar(
            db.select(db.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "certificate.issued")
        )
        assert issued == 1


def test_a_status_index_or_code_already_used_is_drawn_again(
    app, make_user, enrol, course, complete, accepted, monkeypatch
):
    from app.certificates import codes, status_list

    first, second = make_user(), make_user()
    for user in (first, second):
        enrol(user, course[1])
        complete(user, course[0])
    with app.app_context():
        taken = services.issue_certificate(first.id, *course)
        db.session.commit()
        taken_index, taken_code = taken.status_index, taken.code
        indices = iter([taken_index, taken_index, (taken_index + 1) % STATUS_LIST_SIZE])
        fresh_codes = iter([taken_code, codes.new_code(), codes.new_code()])
        monkeypatch.setattr(status_list, "random_index", lambda: next(indices))
        monkeypatch.setattr(codes, "new_code", lambda: next(fresh_codes))
        issued = services.issue_certificate(second.id, *course)
        db.session.commit()
        assert issued.status_index == (taken_index + 1) % STATUS_LIST_SIZE
        assert issued.code != taken_code and issued.user_id == second.id
        assert count(Certificate) == 2
