"""Invitation links: their own single-use token, valid INVITATION_MAX_AGE_DAYS (14) days, dead once
used, once a newer invitation is sent, or once the person has a password some other way."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from app.audit import events
from app.audit.models import AuditEvent
from app.auth import services as accounts
from app.auth.models import User
from app.cohorts import services as cohorts
from app.cohorts.models import Cohort
from app.extensions import db
from app.policy import Role
from tests.fixtures.app import post_form
from tests.fixtures.course import build_course

NEW = {"password": "my very first secret", "confirm": "my very first secret"}


@pytest.fixture
def invited(app, make_user, login):
    """An enrolled person without a password, and an admin's browser."""
    with app.app_context():
        course = build_course(1)
        cohort = cohorts.create_cohort(course, "Көктем 2026")
        person = accounts.create_user(
            email="dana@example.com", name="Дана", password=None, locale="en"
        )
        cohorts.enrol(person, cohort)
        db.session.commit()
        person_id = person.id
    admin = make_user(Role.ADMIN, locale="en")
    return person_id, login(app.test_client(), admin)


def send(admin, person_id: int):
    url = f"/admin/users/{person_id}"
    return post_form(admin, url + "/invitation", token_from=url)


def invitation_path(mailbox) -> str:
    message = mailbox.last_to("dana@example.com")
    link = next(u for u in mailbox.links(message) if "/invitation/" in u)
    return urlsplit(link).path


def age(app, person_id: int, days: float) -> None:
    with app.app_context():
        person = db.session.get(User, person_id)
        person.invitation_sent_at = person.invitation_sent_at - timedelta(days=days)
        db.session.commit()


def accept(app, path: str):
    client = app.test_client()
    return client, post_form(client, path, NEW, token_from="/login")


def test_the_mail_says_how_long_the_link_works(app, invited, mailbox):
    person_id, admin = invited
    assert send(admin, person_id).status_code == 302
    text = mailbox.text(mailbox.last_to("dana@example.com"))
    assert "The link works once, for 14 days." in text
    assert "/reset-password/" not in text


def test_valid_after_two_days_and_signs_in_once(app, invited, mailbox):
    person_id, admin = invited
    send(admin, person_id)
    path = invitation_path(mailbox)
    age(app, person_id, 2)
    page = app.test_client().get(path)
    assert page.status_code == 200 and "dana@example.com" in page.get_data(as_text=True)
    client, response = accept(app, path)
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    with app.app_context():
        person = db.session.get(User, person_id)
        assert person.password_hash and person.email_verified_at
        assert person.invitation_token_hash is None
        [event] = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == events.INVITATION_ACCEPTED)
        ).all()
        assert event.actor_id == person_id
    # Dead after use: neither the page nor a replayed form works.
    assert app.test_client().get(path).status_code == 400
    _client, replay = accept(app, path)
    assert replay.status_code == 400


def test_expired_after_fifteen_days(app, invited, mailbox):
    person_id, admin = invited
    send(admin, person_id)
    path = invitation_path(mailbox)
    age(app, person_id, 15)
    assert app.test_client().get(path).status_code == 400
    _client, response = accept(app, path)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, person_id).password_hash is None


def test_the_age_limit_is_configurable(app_factory, invited, mailbox):
    person_id, admin = invited
    send(admin, person_id)
    path = invitation_path(mailbox)
    short = app_factory(INVITATION_MAX_AGE_DAYS=1)
    age(short, person_id, 1.5)
    assert short.test_client().get(path).status_code == 400


def test_sending_again_kills_the_old_link(app, invited, mailbox):
    person_id, admin = invited
    send(admin, person_id)
    old = invitation_path(mailbox)
    send(admin, person_id)
    new = invitation_path(mailbox)
    assert old != new
    assert app.test_client().get(old).status_code == 400
    assert accept(app, new)[1].status_code == 302
    with app.app_context():
        sent = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == events.INVITATION_SENT)
        ).all()
        assert [e.target_id for e in sent] == [person_id, person_id]


def test_a_password_chosen_another_way_kills_the_link(app, invited, mailbox):
    person_id, admin = invited
    send(admin, person_id)
    path = invitation_path(mailbox)
    with app.app_context():
        accounts.set_password(db.session.get(User, person_id), "chosen through a reset")
        db.session.commit()
    assert app.test_client().get(path).status_code == 400


def test_a_deactivated_person_cannot_use_it(app, invited, mailbox):
    person_id, admin = invited
    send(admin, person_id)
    path = invitation_path(mailbox)
    with app.app_context():
        db.session.get(User, person_id).active = False
        db.session.commit()
    assert app.test_client().get(path).status_code == 400


def test_an_invitation_is_not_a_reset_link_nor_the_reverse(app, invited, mailbox):
    person_id, admin = invited
    send(admin, person_id)
    token = invitation_path(mailbox).rsplit("/", 1)[1]
    assert app.test_client().get(f"/reset-password/{token}").status_code == 400
    post_form(app.test_client(), "/forgot-password", {"email": "dana@example.com"})
    reset = next(
        u for u in mailbox.links(mailbox.last_to("dana@example.com")) if "/reset-password/" in u
    )
    reset_token = urlsplit(reset).path.rsplit("/", 1)[1]
    assert app.test_client().get(f"/invitation/{reset_token}").status_code == 400


def test_only_the_hash_is_stored(app, invited, mailbox):
    person_id, admin = invited
    send(admin, person_id)
    token = invitation_path(mailbox).rsplit("/", 1)[1]
    with app.app_context():
        stored = db.session.get(User, person_id).invitation_token_hash
    assert stored and token not in stored and len(stored) == 64


def test_no_invitation_for_someone_with_a_password(app, make_user, login, mailbox):
    admin = login(app.test_client(), make_user(Role.ADMIN, locale="en"))
    person = make_user(email="has-password@example.com")
    with app.app_context():
        cohorts.enrol(
            db.session.get(User, person.id),
            db.session.get(Cohort, cohorts.create_cohort(build_course(1), "A").id),
        )
        db.session.commit()
    response = send(admin, person.id)
    assert response.status_code == 302
    assert "already chosen a password" in admin.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert mailbox.to("has-password@example.com") == []


def test_accepting_while_signed_in_as_someone_else_ends_that_login(
    app, invited, mailbox, make_user, login
):
    person_id, admin = invited
    send(admin, person_id)
    path = invitation_path(mailbox)
    other = make_user(email="other@example.com")
    client = login(app.test_client(), other)
    assert post_form(client, path, NEW, token_from=path).status_code == 302
    account = client.get("/account").get_data(as_text=True)
    assert "dana@example.com" in account and "other@example.com" not in account
