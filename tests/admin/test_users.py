"""Users in the admin console: search, roles, deactivate and reactivate; the last admin stays."""

from app.audit.models import AuditEvent
from app.auth.models import LoginSession, User
from app.extensions import db
from app.policy import Role
from tests.fixtures.app import post_form


def user(app, user_id: int) -> User:
    with app.app_context():
        found = db.session.get(User, user_id)
        found.roles  # noqa: B018  (load the grants before detaching)
        db.session.expunge(found)
        return found


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_search_by_name_email_and_role(as_admin, world, make_user):
    make_user(name="Айгүл Өмірзақова", email="aigul@example.kz")
    html = as_admin.get("/admin/users?q=aigul").get_data(as_text=True)
    assert "Айгүл Өмірзақова" in html and "Student A" not in html
    html = as_admin.get("/admin/users?role=reviewer").get_data(as_text=True)
    assert "Reviewer A" in html and "Student A" not in html
    html = as_admin.get("/admin/users?q=100%25").get_data(as_text=True)
    assert "0 accounts" in html  # % is a literal, not a wildcard
    assert as_admin.get("/admin/users?role=owner").status_code == 400
    assert as_admin.get("/admin/users?page=abc").status_code == 400
    assert as_admin.get("/admin/users?q=" + "x" * 101).status_code == 400


def test_view_a_user(as_admin, world):
    html = as_admin.get(f"/admin/users/{world.student.id}").get_data(as_text=True)
    assert "student-a@example.com" in html and "Student in Cohort A" in html
    assert as_admin.get("/admin/users/9999").status_code == 404


def test_change_roles_is_audited(app, as_admin, world):
    url = f"/admin/users/{world.student.id}"
    response = post_form(
        as_admin, url + "/roles", {"roles": ["student", "reviewer"]}, token_from=url
    )
    assert response.status_code == 302
    assert user(app, world.student.id).roles == {Role.STUDENT, Role.REVIEWER}
    assert "user.roles_changed" in audit_actions(app)
    assert (
        post_form(as_admin, url + "/roles", {"roles": ["owner"]}, token_from=url).status_code == 400
    )


def test_the_last_admin_keeps_the_role(app, as_admin, world):
    url = f"/admin/users/{world.admin.id}"
    response = post_form(as_admin, url + "/roles", {"roles": ["student"]}, token_from=url)
    assert response.status_code == 302
    assert "last administrator" in as_admin.get(url).get_data(as_text=True)
    assert Role.ADMIN in user(app, world.admin.id).roles


def test_the_last_active_admin_cannot_be_deactivated(app, world):
    import pytest

    from app.admin import services

    with app.app_context():
        admin = db.session.get(User, world.admin.id)
        with pytest.raises(services.AdminError, match="last administrator"):
            services.deactivate(admin, actor=db.session.get(User, world.student.id))
        assert admin.active is True


def test_deactivate_ends_logins_and_reactivate(app, client, login, as_admin, world):
    student = login(app.test_client(), world.student)
    assert student.get("/dashboard").status_code == 200
    url = f"/admin/users/{world.student.id}"
    assert post_form(as_admin, url + "/deactivate", {}, token_from=url).status_code == 302
    assert user(app, world.student.id).active is False
    assert student.get("/dashboard").status_code == 302  # signed out
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(LoginSession)
                .where(LoginSession.user_id == world.student.id)
            )
            == 0
        )
    post_form(as_admin, url + "/reactivate", {}, token_from=url)
    assert user(app, world.student.id).active is True
    assert audit_actions(app)[-2:] == ["user.deactivated", "user.reactivated"]


def test_an_admin_cannot_deactivate_themselves(app, as_admin, world, make_user):
    make_user(Role.ADMIN, email="admin2@example.com")
    url = f"/admin/users/{world.admin.id}"
    post_form(as_admin, url + "/deactivate", {}, token_from=url)
    assert user(app, world.admin.id).active is True
