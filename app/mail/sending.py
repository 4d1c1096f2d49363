"""Handing one outbox message to the SMTP server (or the log, with ``MAIL_BACKEND=console``)."""

from __future__ import annotations

import smtplib
from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP, EmailPolicy
from email.utils import formatdate

from flask import current_app

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


def _message(mail: OutboxMessage) -> EmailMessage:
    config = current_app.config
    msg = EmailMessage(policy=POLICY)
    msg["From"] = config["MAIL_DEFAULT_SENDER"]
    msg["To"] = mail.to_address
    msg["Subject"] = mail.subject
    msg["Message-ID"] = mail.message_id
    msg["Date"] = formatdate(mail.created_at.timestamp(), usegmt=True)
    if mail.unsubscribe_url:
        # RFC 2369 and RFC 8058: a one-click unsubscribe the mail client can POST to.
        msg["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
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
