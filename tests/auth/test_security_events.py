"""Security events: each is in the audit log (who, when, IP, outcome) and in the server log as one
JSON line; what a visitor typed can never forge a line; admins filter them and read their names
in their own language."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale

from app.audit import events
from app.audit.models import AuditEvent
from app.extensions import db
from app.policy import Role
from tests.fixtures.app import post_form

PASSWORD = "correct horse battery"
NEW = {"password": "a brand new secret", "confirm": "a brand new secret"}


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="app.security")

    def lines() -> list[dict]:
        found = []
        for record in caplog.records:
            if record.name == "app.security":
                text = record.getMessage()
                assert "\n" not in text and "\r" not in text
                found.append(json.loads(text.removeprefix("security ")))
        return found

    return lines


def audit(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


def log_in(client, email, password=PASSWORD):
    return post_form(client, "/login", {"email": email, "password": password})


def test_successful_and_failed_logins(app, client, make_user, security_log):
    user = make_user(email="a@example.com")
    client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert log_in(client, "a@example.com", "wrong password here").status_code == 200
    assert log_in(client, "nobody@example.com").status_code == 200
    assert log_in(client, "a@example.com").status_code == 302

    failed = audit(app, events.LOGIN_FAILED)
    assert [(e.target_id, e.details["reason"], e.details["email"]) for e in failed] == [
        (user.id, "wrong_password", "a@example.com"),
        (None, "unknown_account", "nobody@example.com"),
    ]
    assert all(e.actor_id is None and e.ip == "198.51.100.7" for e in failed)
    [ok] = audit(app, events.LOGIN_SUCCEEDED)
    assert (ok.actor_id, ok.ip, ok.details["outcome"]) == (user.id, "198.51.100.7", "success")
    assert ok.at is not None
    logged = security_log()
    assert [line["event"] for line in logged] == [
        "auth.login_failed",
        "auth.login_failed",
        "auth.login_succeeded",
    ]
    assert logged[2]["user_id"] == user.id and logged[2]["ip"] == "198.51.100.7"
    # The password is never written anywhere.
    with app.app_context():
        stored = json.dumps([e.details for e in db.session.scalars(db.select(AuditEvent))])
    assert "wrong password here" not in stored and PASSWORD not in stored
    assert PASSWORD not in json.dumps(logged)


def test_deactivated_and_unconfirmed_logins_are_failures(app, client, make_user):
    make_user(email="gone@example.com", active=False)
    make_user(email="new@example.com", verified=False)
    log_in(client, "gone@example.com")
    log_in(client, "new@example.com")
    reasons = [e.details["reason"] for e in audit(app, events.LOGIN_FAILED)]
    assert reasons == ["deactivated", "unconfirmed"]
    assert audit(app, events.LOGIN_SUCCEEDED) == []


@pytest.mark.parametrize(
    "typed",
    [
        'x@example.com\n{"event": "auth.login_succeeded", "user_id": 1}',
        "x@example.com\r\nINFO forged line",
        "x@example.com\u2028forged\u0085line\x1b[31m",
        "x@example.com\u202egnp.exe",
    ],
)
def test_a_typed_address_cannot_forge_a_log_line(app, client, typed, security_log):
    assert log_in(client, typed).status_code == 200
    [event] = audit(app, events.LOGIN_FAILED)
    stored = event.details["email"]
    assert stored.startswith("x@example.com")
    assert not any(ch in stored for ch in "\n\r\u2028\u0085\x1b\u202e")
    [line] = security_log()
    assert line["email"] == stored and line["event"] == "auth.login_failed"


def test_logout(app, client, make_user, login, security_log):
    user = make_user()
    login(client, user)
    post_form(client, "/logout", token_from="/account")
    [event] = audit(app, events.LOGOUT)
    assert event.actor_id == user.id
    assert security_log()[-1]["event"] == "auth.logout"


def test_password_reset_requested_and_done(app, client, make_user, mailbox):
    user = make_user(email="a@example.com")
    post_form(client, "/forgot-password", {"email": "a@example.com"})
    post_form(client, "/forgot-password", {"email": "unknown@example.com"})
    requested = audit(app, events.PASSWORD_RESET_REQUESTED)
    assert [(e.target_id, e.details["outcome"]) for e in requested] == [
        (user.id, "sent"),
        (None, "ignored"),
    ]
    assert requested[1].details["email"] == "unknown@example.com"
    link = next(u for u in mailbox.links(mailbox.last_to(user.email)) if "/reset-password/" in u)
    path = urlsplit(link).path
    assert post_form(client, path, NEW, token_from=path).status_code == 302
    [done] = audit(app, events.PASSWORD_RESET)
    assert (done.actor_id, done.target_id, done.details["outcome"]) == (user.id, user.id, "success")


def test_password_change_and_a_wrong_current_password(app, client, make_user, login):
    user = make_user()
    login(client, user)
    url = "/account/password"
    post_form(client, url, {"current": "wrong", **NEW}, token_from=url)
    post_form(client, url, {"current": PASSWORD, **NEW}, token_from=url)
    [refused] = audit(app, events.PASSWORD_CHANGE_FAILED)
    [changed] = audit(app, events.PASSWORD_CHANGED)
    assert refused.actor_id == changed.actor_id == user.id
    assert refused.details["outcome"] == "failure" and changed.details["outcome"] == "success"


def test_email_confirmation_is_recorded_and_the_link_works_once(app, client, mailbox):
    form = {"name": "Dana", "email": "dana@example.com", **NEW}
    post_form(client, "/register", form, token_from="/register")
    link = next(u for u in mailbox.links(mailbox.last_to("dana@example.com")) if "/confirm/" in u)
    path = urlsplit(link).path
    assert post_form(client, path, token_from=path).status_code == 302
    [event] = audit(app, events.EMAIL_CONFIRMED)
    assert event.actor_id == event.target_id and event.details["outcome"] == "success"
    # A second use (a forwarded or leaked email) signs nobody in.
    stranger = app.test_client()
    assert post_form(stranger, path, token_from=path).status_code == 400
    assert stranger.get("/dashboard").status_code == 302
    assert len(audit(app, events.EMAIL_CONFIRMED)) == 1


def test_deactivation_goes_to_the_server_log_too(app, client, make_user, login, security_log):
    admin = make_user(Role.ADMIN)
    person = make_user()
    login(client, admin)
    url = f"/admin/users/{person.id}"
    assert post_form(client, url + "/deactivate", token_from=url).status_code == 302
    [event] = audit(app, events.DEACTIVATED)
    assert (event.actor_id, event.target_id) == (admin.id, person.id)
    line = security_log()[-1]
    assert line["event"] == "user.deactivated" and line["target"] == f"user:{person.id}"


def _security_events_page(client, **args):
    return client.get("/admin/audit", query_string={"category": "security", **args})


def test_admins_filter_security_events_with_translated_names(app, client, make_user, login):
    admin = make_user(Role.ADMIN, locale="ru")
    log_in(app.test_client(), "nobody@example.com")
    with app.app_context():
        db.session.add(AuditEvent(action="cohort.created", details={}))
        db.session.commit()
    login(client, admin)
    page = _security_events_page(client)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    table = html.split("<tbody>", 1)[1]
    assert "nobody@example.com" in table and "cohort.created" not in table
    with app.test_request_context(), force_locale("ru"):
        label = str(events.CATEGORIES["security"][0])
    assert label != "Security events" and label in html
    assert client.get("/admin/audit", query_string={"category": "nope"}).status_code == 400


def test_every_security_event_has_a_label_in_each_language(app):
    from app.audit.events import SECURITY_EVENTS
    from app.audit.events import SECURITY_LABELS as LABELS

    assert set(LABELS) == SECURITY_EVENTS
    for code, label in LABELS.items():
        seen = set()
        for locale in ("kk", "ru", "en"):
            with app.test_request_context(), force_locale(locale):
                seen.add(str(label))
        assert len(seen) == 3, code  # translated: three different texts
