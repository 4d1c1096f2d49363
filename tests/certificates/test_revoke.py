"""Revocation: a reason category, audit-logged, reflected at once; and the CLI."""

import pytest

from app.audit.models import AuditEvent
from app.certificates import services
from app.certificates.models import Certificate, StatusList
from app.extensions import db
from app.policy import Role


def test_revoking_is_audit_logged_and_republishes_the_list(app, graduate, make_user):
    _user, code = graduate()
    admin = make_user(Role.ADMIN)
    with app.app_context():
        certificate = services.find_by_code(code)
        note = " plagiarised homework "
        services.revoke(certificate, reason="misconduct", note=note, actor=admin)
        db.session.commit()
        certificate = services.find_by_code(code)
        assert certificate.is_revoked and certificate.revoked_reason == "misconduct"
        assert certificate.revoked_note == "plagiarised homework"
        assert certificate.revoked_by_id == admin.id
        event = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "certificate.revoked")
        )
        assert event.actor_id == admin.id and event.target_id == certificate.id
        assert event.details["reason"] == "misconduct"
        assert db.session.get(StatusList, 1).signed_at >= certificate.revoked_at


def test_an_unknown_reason_or_a_second_revocation_is_refused(app, graduate):
    _user, code = graduate()
    with app.app_context():
        certificate = services.find_by_code(code)
        with pytest.raises(services.CertificateError):
            services.revoke(certificate, reason="bored", note="", actor=None)
        assert not certificate.is_revoked
        services.revoke(certificate, reason="other", note="", actor=None)
        with pytest.raises(services.CertificateError):
            services.revoke(certificate, reason="other", note="", actor=None)


def test_two_revocations_both_appear_in_the_list(app, graduate, make_user, enrol, course):
    from app.certificates import status_list

    _a, first = graduate()
    _b, second = graduate()
    with app.app_context():
        for code in (first, second):
            services.revoke(services.find_by_code(code), reason="other", note="", actor=None)
            db.session.commit()
        indices = {c.status_index for c in db.session.scalars(db.select(Certificate))}
        bits = status_list.decode(status_list.published(1)["credentialSubject"]["encodedList"])
        assert all(status_list.is_set(bits, index) for index in indices)


def test_cli_revoke(app, graduate, make_user):
    _user, code = graduate()
    admin = make_user(Role.ADMIN, email="boss@example.com")
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "certificates",
            "revoke",
            code.lower(),
            "--reason",
            "identity",
            "--note",
            "x",
            "--by",
            "boss@example.com",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        certificate = services.find_by_code(code)
        assert certificate.revoked_reason == "identity" and certificate.revoked_by_id == admin.id
    again = runner.invoke(args=["certificates", "revoke", code, "--reason", "other", "--note", "x"])
    assert again.exit_code != 0
    unknown = runner.invoke(
        args=[
            "certificates",
            "revoke",
            "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA",
            "--reason",
            "other",
            "--note",
            "x",
        ]
    )
    assert unknown.exit_code != 0 and "no certificate" in unknown.output


def test_cli_check(app, graduate):
    graduate()
    result = app.test_cli_runner().invoke(args=["certificates", "check"])
    assert result.exit_code == 0 and "all credentials verify" in result.output


def test_cohort_helpers_for_the_admin_console(app, graduate, course):
    _user, code = graduate()
    with app.app_context():
        assert [c.code for c in services.certificates_in_cohort(course[1])] == [code]
        assert services.issued_counts([course[1], 999]) == {course[1]: 1, 999: 0}
