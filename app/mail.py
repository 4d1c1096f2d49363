"""Outgoing mail.

Services queue messages with ``queue``; they are sent only after the request's transaction has
committed (``deliver_queued``), so a rolled-back action never sends an email. Messages are
rendered in the recipient's language by the caller (see ``render_mail``).
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP, EmailPolicy
from email.utils import make_msgid

from flask import current_app, g, render_template
from flask_babel import force_locale

from app import metrics


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None


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
        except (OSError, smtplib.SMTPException) as error:
            metrics.MAIL_FAILURES.labels(type(error).__name__).inc()
            current_app.logger.exception("could not send mail %r to %s", mail.subject, mail.to)
        else:
            metrics.MAIL_SENT.inc()


def _message(mail: Mail) -> EmailMessage:
    config = current_app.config
    msg = EmailMessage(policy=POLICY)
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
