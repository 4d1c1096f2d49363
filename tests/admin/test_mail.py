"""Admins see the mail that has not gone out, and can send a message again."""

from __future__ import annotations

from email.utils import make_msgid

from app.audit.models import AuditEvent
from app.db import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from tests.admin.test_pages import check
from tests.fixtures.app import post_form


def failed_mail(app, to: str = "lost@example.com", status=OutboxStatus.FAILED) -> int:
    with app.app_context():
        message = OutboxMessage(
            message_id=make_msgid(domain="localhost"),
            to_address=to,
            subject="Сіздің үй тапсырмаңыз қабылданды",
            text_body="Құттықтаймыз!",
            status=status,
            attempts=6,
            last_error="ConnectionRefusedError: [Errno 111] Connection refused",
            sent_at=utcnow() if status == OutboxStatus.SENT else None,
        )
        db.session.add(message)
        db.session.commit()
        return message.id


def test_the_page_lists_failed_and_pending_mail_but_not_sent(app, client, login, world):
    failed_mail(app, "lost@example.com")
    failed_mail(app, "waiting@example.com", OutboxStatus.PENDING)
    failed_mail(app, "done@example.com", OutboxStatus.SENT)
    login(client, world.admin)
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "lost@example.com" in page and "waiting@example.com" in page
    assert "done@example.com" not in page
    assert page.index("lost@example.com") < page.index("waiting@example.com")
    assert "Connection refused" in page and "Сіздің үй тапсырмаңыз қабылданды" in page
    assert 'class="cards"' in page
    check(page)  # unique ids, labelled fields, no inline script or style


def test_try_again_sends_a_failed_message_once(app, client, login, world, mailbox):
    message_id = failed_mail(app)
    login(client, world.admin)
    url = f"/admin/mail/{message_id}/retry"
    response = post_form(client, url, token_from="/admin/mail")
    assert response.status_code == 302
    assert len(mailbox.to("lost@example.com")) == 1
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        assert message.status == OutboxStatus.SENT and message.attempts == 1
    post_form(client, url, token_from="/admin/mail")  # already sent: nothing happens
    assert len(mailbox.to("lost@example.com")) == 1
    with app.app_context():
        (event,) = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "mail.retried")
        ).all()
        assert event.actor_id == world.admin.id and event.target_id == message_id
        assert event.details == {"to": "lost@example.com", "attempts": 6, "status": "failed"}
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Email sent again" in page


def test_try_again_needs_the_csrf_token_and_an_existing_message(app, client, login, world):
    message_id = failed_mail(app)
    login(client, world.admin)
    assert client.post(f"/admin/mail/{message_id}/retry").status_code == 400
    assert (
        post_form(client, "/admin/mail/999999/retry", token_from="/admin/mail").status_code == 404
    )
    with app.app_context():
        assert db.session.get(OutboxMessage, message_id).status == OutboxStatus.FAILED
