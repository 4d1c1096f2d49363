"""Certificates of a cohort in the admin console, and revoking one (reason required)."""

from app.audit.models import AuditEvent
from app.certificates.models import Certificate
from app.extensions import db
from tests.admin.test_access import make_certificate
from tests.fixtures.app import post_form


def test_list_and_revoke(app, as_admin, world):
    cert_id = make_certificate(app, world.student, world.cohort_id, world.course_id)
    url = f"/admin/cohorts/{world.cohort_id}/certificates"
    html = as_admin.get(url).get_data(as_text=True)
    assert f"TEST-{world.student.id}" in html and "Student A" in html
    # Without a reason nothing happens.
    post_form(as_admin, f"/admin/certificates/{cert_id}/revoke", {"reason": ""}, token_from=url)
    with app.app_context():
        assert db.session.get(Certificate, cert_id).revoked_at is None
    post_form(
        as_admin,
        f"/admin/certificates/{cert_id}/revoke",
        {"reason": "misconduct", "note": "Copied homework"},
        token_from=url,
    )
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert cert.revoked_reason == "misconduct" and cert.revoked_by_id == world.admin.id
        event = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "certificate.revoked")
        )
        assert event.actor_id == world.admin.id
    assert "Revoked on" in as_admin.get(url).get_data(as_text=True)
    # Revoking twice is refused politely.
    response = post_form(
        as_admin, f"/admin/certificates/{cert_id}/revoke", {"reason": "other"}, token_from=url
    )
    assert response.status_code == 302
    assert as_admin.post("/admin/certificates/9999/revoke").status_code in (400, 404)
