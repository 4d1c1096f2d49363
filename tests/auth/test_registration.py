import re

import pytest

from app.auth.models import User
from app.extensions import db
from tests.fixtures.app import post_form

GOOD = {
    "name": "Әлия Сейітқызы",
    "email": "Aliya@Example.KZ",
    "password": "qazaq tili 2026",
    "confirm": "qazaq tili 2026",
}


def register(client, **changes):
    data = {**GOOD, **changes}
    return post_form(client, "/register", data, token_from="/register")


def test_register_in_kazakh_confirm_and_log_in(app, client, mailbox):
    client.post("/language", data={})  # no token: ignored, does not crash
    client.set_cookie("lang", "kk", domain="localhost")
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/register/check-email")

    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.email == "aliya@example.kz"
        assert user.name == "Әлия Сейітқызы"  # kept exactly
        assert user.locale == "kk"
        assert user.email_verified_at is None
        assert user.roles == {"student"}

    message = mailbox.last_to("aliya@example.kz")
    assert message["Subject"] == "Tekser-дегі электрондық поштаңызды растаңыз"
    assert "Сәлеметсіз бе, Әлия Сейітқызы!" in mailbox.text(message)
    link = next(u for u in mailbox.links(message) if "/confirm/" in u)
    path = link.replace("http://localhost", "")

    page = client.get(path)  # a GET only shows the button
    assert page.status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(User)).email_verified_at is None
    done = post_form(client, path, token_from=path)
    assert done.status_code == 302 and done.headers["Location"].endswith("/dashboard")
    assert client.get("/dashboard").status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(User)).email_verified_at is not None


def test_unconfirmed_account_cannot_log_in_and_gets_a_new_link(client, make_user, mailbox):
    make_user(email="new@example.com", verified=False, password="long enough pass")
    response = post_form(
        client, "/login", {"email": "new@example.com", "password": "long enough pass"}
    )
    assert response.status_code == 200
    assert client.get("/dashboard").status_code == 302
    assert mailbox.to("new@example.com")


def test_existing_email_gets_the_same_answer_and_a_note(app, client, make_user, mailbox):
    make_user(email="aliya@example.kz", locale="ru")
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/register/check-email")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1
    message = mailbox.last_to("aliya@example.kz")
    assert "уже есть" in message["Subject"]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"email": "аdmin@example.com"}, "Enter a valid email address."),  # Cyrillic а
        ({"email": "ad\u200bmin@example.com"}, "Enter a valid email address."),  # zero-width space
        ({"email": "x" * 250 + "@example.com"}, "The email address is too long."),
        ({"name": ""}, "Enter your name."),
        ({"name": "Ә" * 121}, "The name is too long."),
        ({"name": "Bad\u202eName"}, "The name contains invisible or control characters."),
        ({"password": "short", "confirm": "short"}, "The password must be 10 to 128 characters"),
        ({"password": "a" * 129, "confirm": "a" * 129}, "The password must be 10 to 128"),
        ({"password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"}, "less predictable"),
        ({"confirm": "something else"}, "The two passwords do not match."),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_changes_nothing(
    app, client, mailbox, changes, message
):
    response = register(client, **changes)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="error"' in html and message in html.replace("&#39;", "'")
    assert 'aria-invalid="true"' in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
    assert mailbox.messages == []


def test_error_messages_are_translated(client):
    client.set_cookie("lang", "ru", domain="localhost")
    html = register(client, email="nope").get_data(as_text=True)
    assert "Введите корректный адрес электронной почты." in html


def test_longest_allowed_values_fit_the_columns(app, client):
    name = "Ә" * 120
    local = "a" * 64
    domain = ".".join(["b" * 60] * 3) + ".kz"  # 185 characters: 250 in all
    password = "pass word 1 " * 10 + "tekser12"  # 128 characters
    response = register(
        client, name=name, email=f"{local}@{domain}", password=password, confirm=password
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.name == name and len(user.email) == 250


def test_register_without_csrf_token_is_refused(app, client):
    response = client.post("/register", data=GOOD)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_confirmation_link_forged_or_for_another_purpose_fails(app, client, make_user):
    from app.auth import tokens

    user = make_user(verified=False)
    with app.test_request_context():
        reset_style = tokens.make(tokens.RESET, {"u": user.id, "e": user.email})
    for token in ["garbage", reset_style, "x" * 600]:
        response = post_form(client, f"/confirm/{token}", token_from="/login")
        assert response.status_code in (400, 404)
    with app.app_context():
        assert db.session.get(User, user.id).email_verified_at is None


def test_next_after_confirmation_is_kept_only_when_local(app, client, mailbox):
    register(client, next="/join/abc")
    link = next(u for u in mailbox.links(mailbox.messages[-1]) if "/confirm/" in u)
    path = re.sub(r"^http://localhost", "", link)
    response = post_form(client, path, token_from=path)
    assert response.headers["Location"].endswith("/join/abc")


def test_next_pointing_elsewhere_is_dropped(app, client, mailbox):
    register(client, next="//evil.example/")
    link = next(u for u in mailbox.links(mailbox.messages[-1]) if "/confirm/" in u)
    path = re.sub(r"^http://localhost", "", link)
    response = post_form(client, path, token_from=path)
    assert response.headers["Location"].endswith("/dashboard")
