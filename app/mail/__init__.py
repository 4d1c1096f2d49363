"""Outgoing mail.

Services queue messages with ``queue``: each is an outbox row written in the caller's transaction
and delivered by a job enqueued when it commits (``app/mail/delivery.py``, ADR 0017), so a
rolled-back action never sends an email and a committed one is never lost. Messages are
rendered in the recipient's language by the caller (see ``render_mail``).
"""

from __future__ import annotations

import smtplib
from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP, EmailPolicy
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale

from app.extensions import db
from app.jobs import on_commit
from app.mail.models import OutboxMessage


class _Policy(EmailPolicy):
    """The standard SMTP policy, but a non-ASCII Subject is encoded whole, as RFC 2047 encoded
    words that carry their own spaces. The standard folder (CPython 3.11) drops or adds the
    space where it breaks a line between encoded words: Russian subjects arrived as
    "нужнодоработать", English ones with a leading space."""

    def _subject(self, name: str, value) -> str | None:
        text = str(value)
        if name.lower() != "subject" or text.isascii():
            return None
        encoded = Header(text, "utf-8", header_name=name).encode(linesep=self.linesep)
        return f"{name}: {encoded}{self.linesep}"

    def fold(self, name, value):
        return self._subject(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        folded = self._subject(name, value)
        return folded.encode("ascii") if folded else super().fold_binary(name, value)


POLICY = _Policy() + SMTP


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
    from app.mail.delivery import deliver_mail

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


def _message(mail: OutboxMessage) -> EmailMessage:
    config = current_app.config
    msg = EmailMessage(policy=POLICY)
    msg["From"] = config["MAIL_DEFAULT_SENDER"]
    msg["To"] = mail.to_address
    msg["Subject"] = mail.subject
    msg["Message-ID"] = mail.message_id
    msg["Date"] = formatdate(mail.created_at.timestamp(), usegmt=True)
    msg.set_content(mail.text_body)
    if mail.html_body:
        msg.add_alternative(mail.html_body, subtype="html")
    return msg


def send(mail: OutboxMessage) -> None:
    """Hand one message to the SMTP server (or the log); raises what SMTP raises."""
    config = current_app.config
    msg = _message(mail)
    if config["MAIL_BACKEND"] == "console":
        current_app.logger.info("mail (console backend):\n%s", msg.as_string())
        return
    with smtplib.SMTP(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
    ) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(msg)
