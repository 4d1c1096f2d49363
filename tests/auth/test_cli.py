from app.auth.models import User
from app.extensions import db
from app.policy import Role


def test_users_create_and_set_role(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Boss@Example.kz",
            "--name",
            "Ғалия Қасым",
            "--password",
            "a long secret 1",
            "--role",
            "admin",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.email == "boss@example.kz" and user.roles == {Role.ADMIN}
        assert user.email_verified_at is not None
    result = runner.invoke(args=["users", "set-role", "boss@example.kz", "admin", "reviewer"])
    assert result.exit_code == 0 and "admin, reviewer" in result.output
    again = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "boss@example.kz",
            "--name",
            "X",
            "--password",
            "a long secret 1",
        ]
    )
    assert again.exit_code != 0 and "exists" in again.output


def test_the_last_admin_cannot_lose_the_role(app, make_user):
    make_user(Role.ADMIN, email="only@example.com")
    result = app.test_cli_runner().invoke(args=["users", "set-role", "only@example.com", "student"])
    assert result.exit_code != 0 and "last administrator" in result.output
    make_user(Role.ADMIN, email="second@example.com")
    result = app.test_cli_runner().invoke(args=["users", "set-role", "only@example.com", "student"])
    assert result.exit_code == 0


def test_role_changes_are_audited(app, make_user):
    from app.audit.models import AuditEvent

    make_user(email="a@example.com")
    app.test_cli_runner().invoke(args=["users", "set-role", "a@example.com", "reviewer"])
    with app.app_context():
        event = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "user.roles_changed")
        )
        assert event.details == {"before": ["student"], "after": ["reviewer"]}
