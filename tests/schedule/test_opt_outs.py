"""Opting out per kind of mail: the preferences page, the RFC 8058 one-click unsubscribe that
works without signing in (and a GET that never writes), tampered links, essential mail."""

from __future__ import annotations

import re

import pytest

from app import mail
from app.auth.models import User
from app.extensions import db
from app.mail import Kind, optout
from app.mail.models import MailOptOut, OutboxMessage
from app.policy import Role
from tests.fixtures.app import post_form


def _stopped(app, user_id: int) -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(db.select(MailOptOut.kind).where(MailOptOut.user_id == user_id))
        )


def _token(app, user_id: int, kind: Kind) -> str:
    with app.app_context():
        return optout.make_token(user_id, kind)


def test_one_click_post_unsubscribes_without_a_login_or_csrf(app, make_user):
    user = make_user()
    token = _token(app, user.id, Kind.REMINDERS)
    client = app.test_client()
    response = client.post(
        f"/unsubscribe/{token}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert _stopped(app, user.id) == {"reminders"}
    assert client.post(f"/unsubscribe/{token}").status_code == 200  # twice is harmless
    assert _stopped(app, user.id) == {"reminders"}


def test_the_link_shows_a_confirmation_and_a_get_writes_nothing(app, make_user):
    user = make_user()
    token = _token(app, user.id, Kind.DIGEST)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ru"
    page = client.get(f"/unsubscribe/{token}").get_data(as_text=True)
    assert "Ежедневная сводка для проверяющих" in page and "<form" in page
    assert _stopped(app, user.id) == set()


@pytest.mark.parametrize("change", ["flip_user", "flip_kind", "garbage", "long"])
def test_a_tampered_link_is_404(app, make_user, change):
    victim, attacker = make_user(), make_user()
    token = _token(app, attacker.id, Kind.REMINDERS)
    _payload, _sep, signature = token.rpartition(".")
    if change == "flip_user":
        other = _token(app, victim.id, Kind.REMINDERS).rpartition(".")[0]
        token = f"{other}.{signature}"
    elif change == "flip_kind":
        other = _token(app, attacker.id, Kind.DIGEST).rpartition(".")[0]
        token = f"{other}.{signature}"
    elif change == "garbage":
        token = "abc.def"
    else:
        token = "x" * 300
    client = app.test_client()
    assert client.get(f"/unsubscribe/{token}").status_code == 404
    assert client.post(f"/unsubscribe/{token}").status_code == 404
    assert _stopped(app, victim.id) == set() and _stopped(app, attacker.id) == set()


def test_a_link_for_a_deleted_account_is_404(app, make_user):
    user = make_user()
    token = _token(app, user.id, Kind.REMINDERS)
    with app.app_context():
        db.session.delete(db.session.get(User, user.id))
        db.session.commit()
    assert app.test_client().get(f"/unsubscribe/{token}").status_code == 404


def test_queue_with_a_kind_respects_the_opt_out_and_adds_the_headers(app, make_user, mailbox):
    user = make_user()
    with app.app_context():
        written = mail.queue(
            user.email,
            "review_digest",
            "en",
            kind=Kind.DIGEST,
            user_id=user.id,
            user=user,
            waiting=1,
            new=1,
            url="http://localhost/review/",
        )
        assert written is not None and written.unsubscribe_url
        from app.unit_of_work import commit

        commit()
    message = mailbox.last_to(user.email)
    link = message["List-Unsubscribe"].strip().strip("<>")
    assert link.startswith(app.config["BASE_URL"] + "/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in mailbox.text(message)  # the text body ends with it too
    # The link works: one click, and no more digests.
    assert app.test_client().post(link.replace("http://localhost", "")).status_code == 200
    with app.app_context():
        again = mail.queue(
            user.email, "review_digest", "en", kind=Kind.DIGEST, user_id=user.id,
            user=user, waiting=1, new=1, url="http://localhost/review/",
        )  # fmt: skip
        assert again is None
        with pytest.raises(ValueError):
            mail.queue(user.email, "review_digest", "en", kind=Kind.DIGEST, user=user)


def test_essential_mail_has_no_unsubscribe(app, make_user, mailbox):
    user = make_user()
    client = app.test_client()
    response = post_form(
        client, "/forgot-password", {"email": user.email}, token_from="/forgot-password"
    )
    assert response.status_code in (200, 302)
    message = mailbox.last_to(user.email)
    assert message["List-Unsubscribe"] is None
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.unsubscribe_url.is_not(None))
            )
            == 0
        )


def test_preferences_page_for_a_student(app, client, login, make_user):
    student = make_user()
    login(client, student)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/account/preferences").get_data(as_text=True)
    assert 'for="mail_reminders"' in page and "mail_digest" not in page
    assert re.search(r'<input[^>]*\bchecked\b[^>]*id="mail_reminders"', page)
    data = {"timezone": "Europe/Berlin", "mail_announcements": "y", "mail_feedback": "y"}
    response = post_form(client, "/account/preferences", data, token_from="/account/preferences")
    assert response.status_code == 302
    assert _stopped(app, student.id) == {"reminders", "nudges"}
    with app.app_context():
        assert db.session.get(User, student.id).timezone == "Europe/Berlin"
    data = {"timezone": "", "mail_reminders": "y", "mail_announcements": "y"}
    post_form(client, "/account/preferences", data, token_from="/account/preferences")
    assert _stopped(app, student.id) == {"nudges", "feedback"}
    with app.app_context():
        assert db.session.get(User, student.id).timezone is None


def test_a_bad_time_zone_is_refused_with_a_translated_error(app, client, login, make_user):
    student = make_user()
    login(client, student)
    client.set_cookie("lang", "kk", domain="localhost")
    data = {"timezone": "Mars/Olympus", "mail_reminders": "y"}
    response = post_form(client, "/account/preferences", data, token_from="/account/preferences")
    assert response.status_code == 200
    assert "Тізімнен уақыт белдеуін таңдаңыз." in response.get_data(as_text=True)
    assert _stopped(app, student.id) == set()


def test_reviewers_can_opt_out_of_the_digest(app, client, login, make_user, course, student):
    from app.learning.models import Module
    from app.review.digest import send_digests
    from tests.fixtures.homework import assign, make_submission

    opted, other = make_user(Role.REVIEWER), make_user(Role.REVIEWER)
    for reviewer in (opted, other):
        assign(app, reviewer, course[1])
    with app.app_context():
        module_id = db.session.scalar(db.select(Module.id).where(Module.slug == "m1"))
    make_submission(app, student, course[1], module_id=module_id)
    login(client, opted)
    page = client.get("/account/preferences").get_data(as_text=True)
    assert 'id="mail_digest"' in page
    data = {"timezone": "", "mail_reminders": "y"}
    post_form(client, "/account/preferences", data, token_from="/account/preferences")
    assert "digest" in _stopped(app, opted.id)
    with app.app_context():
        assert send_digests() == 1
        (row,) = db.session.scalars(db.select(OutboxMessage))
        assert row.to_address == other.email and row.unsubscribe_url
