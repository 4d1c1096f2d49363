"""Outgoing mail.

Services queue messages with ``queue``; they are sent only after the request's transaction has
committed (``deliver_queued``), so a rolled-back action never sends an email. Messages are
rendered in the recipient's language by the caller (see ``render_mail``).
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, g, render_template
from flask_babel import force_locale


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None


def render_mail(template: str, locale: str | None, **context) -> tuple[str, str, str]:
    """Render ``templates/mail/<template>.{subject,txt,html}`` in ``locale``."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    return subject, text, html


def queue(to: str, template: str, locale: str | None, **context) -> None:
    subject, text, html = render_mail(template, locale, **context)
    g.setdefault("mail_outbox", []).append(Mail(to=to, subject=subject, text=text, html=html))


def discard_queued() -> None:
    g.pop("mail_outbox", None)


def deliver_queued() -> None:
    """Send what this request or command queued. Failures are logged, never raised."""
    outbox: list[Mail] = g.pop("mail_outbox", [])
    for mail in outbox:
        try:
            send(mail)
        except (OSError, smtplib.SMTPException):
            current_app.logger.exception("could not send mail %r to %s", mail.subject, mail.to)


def _message(mail: Mail) -> EmailMessage:
    config = current_app.config
    msg = EmailMessage()
    msg["From"] = config["MAIL_DEFAULT_SENDER"]
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Message-ID"] = make_msgid(domain="tekser.local")
    msg.set_content(mail.text)
    if mail.html:
        msg.add_alternative(mail.html, subtype="html")
    return msg


def send(mail: Mail) -> None:
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
