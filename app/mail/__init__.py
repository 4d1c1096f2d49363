"""Outgoing mail.

Services queue messages with ``queue``: each is an outbox row written in the caller's transaction
and delivered by a job enqueued when it commits (``app/mail/delivery.py``, ADR 0017), so a
rolled-back action never sends an email and a committed one is never lost. Messages are
rendered in the recipient's language by the caller (see ``render_mail``).
"""

from __future__ import annotations

from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale

from app.extensions import db
from app.jobs import on_commit
from app.mail.delivery import deliver_mail
from app.mail.models import OutboxMessage
from app.mail.sending import POLICY as POLICY
from app.mail.sending import send as send


def render_mail(template: str, locale: str | None, **context) -> tuple[str, str, str]:
    """Render ``templates/mail/<template>.{subject,txt,html}`` in ``locale``."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        # One line: a line break in a title must neither fail the header nor start another.
        subject = " ".join(render_template(f"mail/{template}.subject.txt", **context).split())
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    return subject, text, html


def queue(to: str, template: str, locale: str | None, **context) -> OutboxMessage:
    """Write the message to the outbox, in the current transaction; its delivery job is
    enqueued when the unit of work commits (app/mail/delivery.py)."""
    subject, text, html = render_mail(template, locale, **context)
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "tekser.local"
    message = OutboxMessage(
        message_id=make_msgid(domain=domain),
        to_address=to,
        subject=subject,
        text_body=text,
        html_body=html,
    )
    db.session.add(message)
    db.session.flush()
    on_commit(deliver_mail, message.id)
    return message
