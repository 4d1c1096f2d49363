import re
from datetime import timedelta

import pytest

from app.auth.models import LoginSession, User
from app.extensions import db
from tests.fixtures.app import post_form

PASSWORD = "correct horse battery"


def log_in(client, email, password=PASSWORD, next_=None):
    data = {"email": email, "password": password}
    if next_ is not None:
        data["next"] = next_
    return post_form(client, "/login", data, token_from="/login")


def test_login_starts_a_fresh_server_side_session(app, client, make_user):
    user = make_user(email="Student@Example.com")
    client.get("/")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    response = log_in(client, "  STUDENT@example.com ")
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    with client.session_transaction() as session:
        assert "planted" not in session
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(LoginSession)) == 1
        assert db.session.get(User, user.id).last_login_at is not None


@pytest.mark.parametrize(
    "email, password",
    [
        ("user1@example.com", "wrong password!"),
        ("nobody@example.com", PASSWORD),
        ("not an email", PASSWORD),
    ],
)
def test_failed_login_has_one_answer(client, make_user, email, password):
    make_user(email="user1@example.com")
    response = log_in(client, email, password)
    assert response.status_code == 200
    assert "The email or password is not correct." in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_deactivated_user_cannot_log_in(client, make_user):
    make_user(email="gone@example.com", active=False)
    assert log_in(client, "gone@example.com").status_code == 200
    assert client.get("/dashboard").status_code == 302


def test_logout_ends_the_session_even_for_a_copied_cookie(app, client, make_user):
    make_user(email="a@example.com")
    log_in(client, "a@example.com")
    stolen = client.get_cookie("tekser_session").value
    assert post_form(client, "/logout", token_from="/dashboard").status_code == 302
    assert client.get("/dashboard").status_code == 302

    thief = app.test_client()
    thief.set_cookie("tekser_session", stolen, domain="localhost")
    assert thief.get("/dashboard").status_code == 302


def test_logout_needs_csrf(client, make_user, login):
    login(client, make_user())
    assert client.post("/logout").status_code == 400
    assert client.get("/dashboard").status_code == 200


def test_password_change_logs_out_other_devices(app, client, make_user):
    make_user(email="a@example.com")
    log_in(client, "a@example.com")
    other = app.test_client()
    log_in(other, "a@example.com")
    assert other.get("/dashboard").status_code == 200

    response = post_form(
        client,
        "/account/password",
        {"current": PASSWORD, "password": "a brand new secret", "confirm": "a brand new secret"},
        token_from="/account/password",
    )
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this device stays in
    assert other.get("/dashboard").status_code == 302  # the other one is out
    assert log_in(app.test_client(), "a@example.com", "a brand new secret").status_code == 302


def test_password_change_with_wrong_current_password_changes_nothing(app, client, make_user, login):
    user = make_user()
    login(client, user)
    response = post_form(
        client,
        "/account/password",
        {
            "current": "not it at all",
            "password": "a brand new secret",
            "confirm": "a brand new secret",
        },
        token_from="/account/password",
    )
    assert response.status_code == 200
    assert "The current password is not correct." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).password_hash == user.password_hash


def test_deactivated_user_is_logged_out_on_next_request(app, client, make_user, login):
    user = make_user()
    login(client, user)
    assert client.get("/dashboard").status_code == 200
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/account", "/account"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
    ],
)
def test_next_redirects_only_to_this_site(client, make_user, target, expected):
    make_user(email="a@example.com")
    response = log_in(client, "a@example.com", next_=target)
    assert response.headers["Location"] == expected


def test_session_cookie_flags(app_factory, make_user):
    app = app_factory(SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    make_user(email="a@example.com")
    response = log_in(client, "a@example.com")
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(days=14)


def test_reset_password_by_email_link_once(app, client, make_user, mailbox):
    make_user(email="a@example.com", locale="kk")
    response = post_form(client, "/forgot-password", {"email": "A@example.com"})
    assert response.status_code == 302
    message = mailbox.last_to("a@example.com")
    link = next(u for u in mailbox.links(message) if "/reset-password/" in u)
    path = re.sub(r"^http://localhost", "", link)

    other = app.test_client()
    log_in(other, "a@example.com")
    data = {"password": "new secret value", "confirm": "new secret value"}
    assert post_form(client, path, data, token_from=path).status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302  # other sessions ended
    # The link works once.
    assert client.get(path).status_code == 400
    assert log_in(app.test_client(), "a@example.com", "new secret value").status_code == 302


def test_reset_for_unknown_email_looks_the_same(client, mailbox):
    response = post_form(client, "/forgot-password", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mailbox.messages == []


def test_expired_reset_link_is_refused(app, client, make_user, mailbox):
    make_user(email="a@example.com")
    post_form(client, "/forgot-password", {"email": "a@example.com"})
    link = next(
        u for u in mailbox.links(mailbox.last_to("a@example.com")) if "/reset-password/" in u
    )
    path = re.sub(r"^http://localhost", "", link)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    response = client.get(path)
    assert response.status_code == 400
    assert "This link does not work" in response.get_data(as_text=True)


def test_reset_with_mismatched_passwords_changes_nothing(app, client, make_user, mailbox):
    user = make_user(email="a@example.com")
    post_form(client, "/forgot-password", {"email": "a@example.com"})
    link = next(
        u for u in mailbox.links(mailbox.last_to("a@example.com")) if "/reset-password/" in u
    )
    path = re.sub(r"^http://localhost", "", link)
    response = post_form(
        client, path, {"password": "new secret value", "confirm": "other"}, token_from=path
    )
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(User, user.id).password_hash == user.password_hash


def test_login_is_rate_limited_per_account_and_ip(app_factory, make_user):
    app = app_factory(
        RATELIMIT_ENABLED=True, ACCOUNT_RATE_LIMIT="3 per minute", LOGIN_RATE_LIMIT="5 per minute"
    )
    from app.extensions import limiter

    limiter.reset()
    client = app.test_client()
    make_user(email="a@example.com")
    codes = [log_in(client, "a@example.com", "wrong password!").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # Another account from the same address: stopped by the per-IP limit (five counted tries).
    codes = [log_in(client, "b@example.com", "wrong password!").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get("/login").status_code == 200  # reading the page is never limited
    limiter.reset()


def test_the_signed_in_user_and_roles_are_one_statement_then_none(app, client, make_user, login):
    """The first request of a login reads it in one statement; the next ones, within
    LOGIN_CACHE_SECONDS, read nothing (ADR 0024)."""
    from sqlalchemy import event

    from app.auth import sessions
    from app.policy import Role

    login(client, make_user((Role.REVIEWER, Role.ADMIN), email="reviewer@example.com"))
    with client.session_transaction() as session:
        token = session["_user_id"]
    counts = []
    for _ in range(2):
        statements: list[str] = []
        with app.test_request_context():
            engine = db.engine
            listener = lambda *args, found=statements: found.append(args[2])  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            try:
                user = sessions.load_user(token)
                assert user.roles == {Role.REVIEWER, Role.ADMIN}
                assert user.email == "reviewer@example.com"
            finally:
                event.remove(engine, "before_cursor_execute", listener)
        counts.append(len([s for s in statements if s.strip().upper() != "BEGIN"]))
    assert counts == [1, 0]
