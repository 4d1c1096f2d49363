"""Access matrix for every admin route: anonymous, a student, the reviewer of the cohort, the
reviewer of another cohort, an admin. Only admins manage; reviewers see the progress of their
own cohorts, read-only."""

from datetime import date

import pytest

from app.db import utcnow
from app.extensions import db
from tests.admin.fixtures import upload
from tests.fixtures.double_marking import make_disputed
from tests.fixtures.teaching import make_announcement

A = "/admin/cohorts/{a}"
# endpoint: (method, url, form data, expected for anonymous, student, reviewer,
#            other_reviewer, admin)
MATRIX = {
    "admin.index": ("GET", "/admin/", None, 302, 403, 403, 403, 200),
    "admin.my_cohorts": ("GET", "/admin/progress", None, 302, 403, 200, 200, 200),
    "admin.new_cohort": ("GET", "/admin/cohorts/new", None, 302, 403, 403, 403, 200),
    "admin.cohort": ("GET", A, None, 302, 403, 403, 403, 200),
    "admin.edit_cohort": ("GET", A + "/edit", None, 302, 403, 403, 403, 200),
    "admin.invite": ("POST", A + "/invite", {"action": "close"}, 302, 403, 403, 403, 302),
    "admin.archive_cohort": ("POST", A + "/archive", {"confirm": "y"}, 302, 403, 403, 403, 302),
    "admin.assign_reviewer": (
        "POST",
        A + "/reviewers",
        {"email": "rev-b@example.com"},
        302,
        403,
        403,
        403,
        302,
    ),
    "admin.remove_reviewer": (
        "POST",
        A + "/reviewers/{reviewer}/remove",
        {},
        302,
        403,
        403,
        403,
        302,
    ),
    "admin.upload_enrolment": ("GET", A + "/enrol", None, 302, 403, 403, 403, 200),
    "admin.enrolment_preview": ("GET", A + "/enrol/{token}", None, 302, 403, 403, 403, 200),
    "admin.confirm_enrolment": ("POST", A + "/enrol/{token}/confirm", {}, 302, 403, 403, 403, 302),
    "admin.send_invitations": (
        "POST",
        A + "/enrol/{token}/invitations",
        {},
        302,
        403,
        403,
        403,
        400,
    ),
    "admin.enrolment_report": (
        "GET",
        A + "/enrol/{token}/report.csv",
        None,
        302,
        403,
        403,
        403,
        200,
    ),
    # Another cohort's progress is "not found" to a reviewer, like a cohort that does not exist.
    "admin.dashboard": ("GET", A + "/dashboard", None, 302, 403, 200, 404, 200),
    "admin.students_table": ("GET", A + "/students", None, 302, 403, 200, 404, 200),
    "admin.export_students": ("GET", A + "/export/students.csv", None, 302, 403, 403, 403, 200),
    "admin.export_grades": ("GET", A + "/export/grades.csv", None, 302, 403, 403, 403, 200),
    "admin.export_progress": ("GET", A + "/export/progress.json", None, 302, 403, 403, 403, 200),
    "admin.certificates": ("GET", A + "/certificates", None, 302, 403, 403, 403, 200),
    "admin.revoke_certificate": (
        "POST",
        "/admin/certificates/{cert}/revoke",
        {"reason": "other"},
        302,
        403,
        403,
        403,
        302,
    ),
    "admin.agreement": ("GET", A + "/agreement", None, 302, 403, 200, 404, 200),
    "admin.mark_sample": (
        "POST",
        A + "/agreement/sample",
        {"share": "10"},
        302,
        403,
        403,
        403,
        302,
    ),
    "admin.dispute": ("GET", A + "/agreement/{marking}", None, 302, 403, 403, 403, 200),
    "admin.settle": (
        "POST",
        A + "/agreement/{marking}/settle",
        {"chosen": "2"},
        302,
        403,
        403,
        403,
        302,
    ),
    "admin.announcements": ("GET", A + "/announcements", None, 302, 403, 200, 404, 200),
    # The reviewer of A may not post while the cohort does not allow it (tests/teaching).
    "admin.new_announcement": ("GET", A + "/announcements/new", None, 302, 403, 403, 404, 200),
    "admin.edit_announcement": (
        "GET",
        A + "/announcements/{ann}/edit",
        None,
        302,
        403,
        403,
        404,
        200,
    ),
    "admin.announcement_history": (
        "GET",
        A + "/announcements/{ann}/history",
        None,
        302,
        403,
        200,
        404,
        200,
    ),
    "admin.announcement_settings": (
        "POST",
        A + "/announcements/settings",
        {"reviewers_may_announce": "y"},
        302,
        403,
        403,
        403,
        302,
    ),
    "admin.at_risk": ("GET", A + "/at-risk", None, 302, 403, 200, 404, 200),
    "admin.nudge": (
        "POST",
        A + "/at-risk/nudge",
        {"student": "{student}", "days": "7"},
        302,
        403,
        403,
        403,
        302,
    ),
    "admin.users": ("GET", "/admin/users", None, 302, 403, 403, 403, 200),
    "admin.user": ("GET", "/admin/users/{student}", None, 302, 403, 403, 403, 200),
    "admin.user_roles": (
        "POST",
        "/admin/users/{student}/roles",
        {"roles": "student"},
        302,
        403,
        403,
        403,
        302,
    ),
    "admin.deactivate_user": (
        "POST",
        "/admin/users/{student}/deactivate",
        {},
        302,
        403,
        403,
        403,
        302,
    ),
    "admin.reactivate_user": (
        "POST",
        "/admin/users/{student}/reactivate",
        {},
        302,
        403,
        403,
        403,
        302,
    ),
    "admin.resend_invitation": (
        "POST",
        "/admin/users/{student}/invitation",
        {},
        302,
        403,
        403,
        403,
        302,
    ),
    "admin.cohort_schedule": ("GET", A + "/schedule", None, 302, 403, 403, 403, 200),
    "admin.reset_cohort_schedule": ("POST", A + "/schedule/reset", {}, 302, 403, 403, 403, 302),
    "admin.cohort_extensions": ("GET", A + "/extensions", None, 302, 403, 403, 403, 200),
    "admin.remove_extension": (
        "POST",
        A + "/extensions/{ext}/remove",
        {},
        302,
        403,
        403,
        403,
        302,
    ),
    "admin.audit": ("GET", "/admin/audit", None, 302, 403, 403, 403, 200),
    "admin.mail_outbox": ("GET", "/admin/mail", None, 302, 403, 403, 403, 200),
    "admin.retry_mail": ("POST", "/admin/mail/{mail}/retry", {}, 302, 403, 403, 403, 302),
    "admin.videos": ("GET", "/admin/videos", None, 302, 403, 403, 403, 200),
    "admin.module_video": ("GET", "/admin/videos/demo/m1", None, 302, 403, 403, 403, 200),
    # Without a file (and its form's token) the admin's upload is a bad request.
    "admin.upload_video": ("POST", "/admin/videos/demo/m1/en", {}, 302, 403, 403, 403, 400),
}
ENDPOINTS = set(MATRIX)
# Reviewers reach these by cohort id; another cohort answers like a missing one.
CONCEALS = {
    "admin.dashboard",
    "admin.students_table",
    "admin.agreement",
    "admin.announcements",
    "admin.new_announcement",
    "admin.edit_announcement",
    "admin.announcement_history",
    "admin.at_risk",
}
WHO = ["anonymous", "student", "reviewer", "other_reviewer", "admin"]


def make_certificate(app, user, cohort_id: int, course_id: int) -> int:
    from app.certificates.models import Certificate

    with app.app_context():
        cert = Certificate(
            code=f"TEST-{user.id}",
            user_id=user.id,
            course_id=course_id,
            cohort_id=cohort_id,
            holder_name=user.name,
            lang="en",
            completed_on=date.today(),
            issued_at=utcnow(),
            status_index=1000 + user.id,
            credential={},
        )
        db.session.add(cert)
        db.session.commit()
        return cert.id


def make_extension(app, user, cohort_id: int) -> int:
    from app.cohorts.models import Enrolment, Extension

    with app.app_context():
        enrolment = db.session.scalar(
            db.select(Enrolment).where(
                Enrolment.user_id == user.id, Enrolment.cohort_id == cohort_id
            )
        )
        extension = Extension(enrolment_id=enrolment.id, module_id=None, days=2)
        db.session.add(extension)
        db.session.commit()
        return extension.id


def make_failed_mail(app) -> int:
    from tests.admin.test_mail import failed_mail

    return failed_mail(app)


@pytest.fixture
def ids(app, login, world):
    """The ids the URLs need: an uploaded (unconfirmed) file, a certificate."""
    admin = login(app.test_client(), world.admin)
    response = upload(admin, world.cohort_id, "name,email\nNew Person,new@example.com\n")
    token = response.headers["Location"].rsplit("/", 1)[1]
    return {
        "a": world.cohort_id,
        "token": token,
        "student": world.student.id,
        "reviewer": world.reviewer.id,
        "cert": make_certificate(app, world.student, world.cohort_id, world.course_id),
        "mail": make_failed_mail(app),
        "ann": make_announcement(app, world.admin, world.cohort_id),
        "marking": make_disputed(
            app, world.student, world.cohort_id, world.modules[0], world.reviewer, world.admin
        ),
        "ext": make_extension(app, world.student, world.cohort_id),
    }


def test_the_matrix_covers_every_admin_route(app):
    routes = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")}
    assert routes == ENDPOINTS


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_access_matrix(check_access, world, ids, endpoint):
    """Each person with a browser of their own; the admin (whose POST may change things)
    goes last."""
    method, url, data, *expected = MATRIX[endpoint]
    url = url.format(**ids)
    if data:
        data = {key: str(value).format(**ids) for key, value in data.items()}
    for who, want in zip(WHO, expected, strict=True):
        person = None if who == "anonymous" else getattr(world, who)
        check_access(method, url, person, want, data)


def test_refusals_are_audited(app, client, login, world):
    from app.audit.models import AuditEvent

    login(client, world.other_reviewer)
    assert client.get(f"/admin/cohorts/{world.cohort_id}/dashboard").status_code == 404
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "access.denied"))
        assert event.actor_id == world.other_reviewer.id
        assert event.details["endpoint"] == "admin.dashboard"


@pytest.mark.parametrize(
    "path", ["/dashboard", "/students", "/agreement", "/announcements", "/at-risk"]
)
def test_another_cohorts_progress_answers_like_a_missing_cohort(app, client, login, world, path):
    from tests.fixtures.homework import as_shown

    login(client, world.other_reviewer)
    theirs_url = f"/admin/cohorts/{world.cohort_id}{path}"
    missing_url = f"/admin/cohorts/999999{path}"
    theirs, missing = client.get(theirs_url), client.get(missing_url)
    assert (theirs.status_code, missing.status_code) == (404, 404)
    assert as_shown(theirs, theirs_url) == as_shown(missing, missing_url)


def test_unknown_cohort_is_404(client, login, world):
    login(client, world.admin)
    assert client.get("/admin/cohorts/9999/dashboard").status_code == 404
    assert client.get("/admin/cohorts/9999").status_code == 404


def test_a_reviewer_removed_loses_access_on_the_next_request(app, client, login, world):
    login(client, world.reviewer)
    url = f"/admin/cohorts/{world.cohort_id}/students"
    assert client.get(url).status_code == 200
    with app.app_context():
        from app.cohorts import services
        from app.cohorts.models import Cohort

        services.remove_reviewer(db.session.get(Cohort, world.cohort_id), world.reviewer.id)
        db.session.commit()
    assert client.get(url).status_code == 404


def test_reviewers_do_not_see_emails_or_sort_by_them(client, login, world):
    login(client, world.reviewer)
    url = f"/admin/cohorts/{world.cohort_id}/students"
    html = client.get(url).get_data(as_text=True)
    assert "Student A" in html and "student-a@example.com" not in html
    assert client.get(url + "?sort=email").status_code == 400
    assert "student-a@example.com" not in client.get(url + "?q=student-a").get_data(as_text=True)
