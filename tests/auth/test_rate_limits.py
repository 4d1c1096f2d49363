"""Rate limits on emailed links and passwords: a flood from one address blocks that address
and the account it aims at, never somebody else's genuine link."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from app.extensions import db, limiter
from tests.fixtures.app import post_form

NEW = {"password": "a brand new secret", "confirm": "a brand new secret"}


@pytest.fixture
def limited(app, app_factory):
    # After `app`: the limiter is shared, and the last app initialised decides if it is on.
    app = app_factory(
        RATELIMIT_ENABLED=True, ACCOUNT_RATE_LIMIT="5 per minute", LOGIN_RATE_LIMIT="8 per minute"
    )
    limiter.reset()
    yield app
    limiter.reset()


def browser(app, ip: str):
    client = app.test_client()
    client.environ_base.update(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=ip)
    return client


def emailed_path(mailbox, email: str, marker: str) -> str:
    link = next(u for u in mailbox.links(mailbox.last_to(email)) if marker in u)
    return urlsplit(link).path


def reset_path(app, mailbox, email: str) -> str:
    client = browser(app, "192.0.2.200")
    assert post_form(client, "/forgot-password", {"email": email}).status_code == 302
    return emailed_path(mailbox, email, "/reset-password/")


def test_garbage_reset_posts_do_not_block_a_genuine_reset(limited, make_user, mailbox):
    make_user(email="victim@example.com")
    attacker = browser(limited, "203.0.113.9")
    codes = [
        post_form(attacker, f"/reset-password/garbage{n}", NEW, token_from="/login").status_code
        for n in range(12)
    ]
    assert set(codes[:8]) == {400} and set(codes[8:]) == {429}  # the attacker's address stops
    path = reset_path(limited, mailbox, "victim@example.com")
    victim = browser(limited, "198.51.100.7")
    assert post_form(victim, path, NEW, token_from=path).status_code == 302


def test_one_accounts_reset_links_share_a_bucket_and_others_are_free(limited, make_user, mailbox):
    make_user(email="a@example.com")
    make_user(email="b@example.com")
    path_a = reset_path(limited, mailbox, "a@example.com")
    mismatched = {"password": "a brand new secret", "confirm": "something else entirely"}
    codes = [
        post_form(browser(limited, f"203.0.113.{n}"), path_a, mismatched, token_from="/login")
        for n in range(6)
    ]
    assert [r.status_code for r in codes] == [200] * 5 + [429]  # per account, whatever the IP
    path_b = reset_path(limited, mailbox, "b@example.com")
    client = browser(limited, "203.0.113.50")
    assert post_form(client, path_b, NEW, token_from=path_b).status_code == 302


def test_confirmation_posts_are_limited(limited, make_user, mailbox):
    attacker = browser(limited, "203.0.113.9")
    codes = [
        post_form(attacker, f"/confirm/garbage{n}", token_from="/login").status_code
        for n in range(10)
    ]
    assert set(codes[:8]) == {400} and set(codes[8:]) == {429}
    # Someone else's genuine confirmation still works.
    visitor = browser(limited, "198.51.100.7")
    form = {"name": "Dana", "email": "dana@example.com", **NEW}
    assert post_form(visitor, "/register", form, token_from="/register").status_code == 302
    path = emailed_path(mailbox, "dana@example.com", "/confirm/")
    assert post_form(visitor, path, token_from=path).status_code == 302


def test_guessing_the_current_password_is_limited(limited, make_user, login):
    user = make_user(email="a@example.com")
    client = login(browser(limited, "198.51.100.7"), user)
    wrong = {"current": "not my password", **NEW}
    codes = [
        post_form(client, "/account/password", wrong, token_from="/account/password").status_code
        for _ in range(6)
    ]
    assert codes == [200] * 5 + [429]
    assert client.get("/account/password").status_code == 200  # reading is never limited


def test_a_429_is_a_security_event(limited, make_user):
    from app.audit.models import AuditEvent

    attacker = browser(limited, "203.0.113.9")
    for n in range(9):
        post_form(attacker, f"/confirm/garbage{n}", token_from="/login")
    with limited.app_context():
        [event] = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "auth.rate_limited")
        ).all()
        assert event.ip == "203.0.113.9"
        assert event.details["endpoint"] == "auth.confirm_email"
        assert event.details["outcome"] == "refused"


def test_a_flood_of_429s_is_recorded_once_a_minute_per_key(limited):
    from app.audit.models import AuditEvent

    attacker = browser(limited, "203.0.113.9")
    codes = [
        post_form(attacker, f"/confirm/garbage{n}", token_from="/login").status_code
        for n in range(14)
    ]
    assert codes.count(429) == 6
    with limited.app_context():
        count = db.session.scalar(
            db.select(db.func.count()).where(AuditEvent.action == "auth.rate_limited")
        )
    assert count == 1


def test_spellings_of_one_address_share_the_login_bucket(limited, make_user):
    make_user(email="a@xn--e1afmkfd.xn--p1ai")
    spellings = ["a@пример.рф", "A@ПРИМЕР.РФ", "a@xn--e1afmkfd.xn--p1ai"]
    codes = [
        post_form(
            browser(limited, f"203.0.113.{n}"),
            "/login",
            {"email": spellings[n % 3], "password": "wrong password!"},
        ).status_code
        for n in range(6)
    ]
    assert codes == [200] * 5 + [429]
