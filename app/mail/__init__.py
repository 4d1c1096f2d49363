"""Outgoing mail.

Services queue messages with ``queue``: each is an outbox row written in the caller's transaction
and delivered by a job enqueued when it commits (``app/mail/delivery.py``, ADR 0017), so a
rolled-back action never sends an email and a committed one is never lost. Messages are
rendered in the recipient's language by the caller (see ``render_mail``). Non-essential mail
names its ``kind``: people can opt out of each kind (``app/mail/optout.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale

from app.extensions import db
from app.jobs import on_commit
from app.mail import optout
from app.mail.delivery import deliver_mail
from app.mail.kinds import Kind as Kind
from app.mail.models import OutboxMessage
from app.mail.sending import POLICY as POLICY
from app.mail.sending import send as send


@dataclass(frozen=True)
class Letter:
    """One message of a batch for ``queue_many``: to whom, which template, in which language."""

    to: str
    user_id: int
    template: str
    locale: str | None
    context: dict[str, Any] = field(default_factory=dict)


def render_mail(
    template: str, locale: str | None, unsubscribe_url: str | None = None, **context
) -> tuple[str, str, str]:
    """Render ``templates/mail/<template>.{subject,txt,html}`` in ``locale``; with an
    ``unsubscribe_url``, both bodies end with the link (``mail/_unsubscribe.txt``)."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        # One line: a line break in a title must neither fail the header nor start another.
        subject = " ".join(render_template(f"mail/{template}.subject.txt", **context).split())
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", unsubscribe_url=unsubscribe_url, **context)
        if unsubscribe_url:
            text = (
                text.rstrip("\n")
                + "\n\n"
                + render_template("mail/_unsubscribe.txt", unsubscribe_url=unsubscribe_url)
            )
    return subject, text, html


def _message_id() -> str:
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "tekser.local"
    return make_msgid(domain=domain)


def queue(
    to: str,
    template: str,
    locale: str | None,
    *,
    kind: Kind | None = None,
    user_id: int | None = None,
    **context,
) -> OutboxMessage | None:
    """Write the message to the outbox, in the current transaction; its delivery job is
    enqueued when the unit of work commits (app/mail/delivery.py).

    ``kind=None`` is essential mail (confirmation, password reset, invitation): always sent,
    no unsubscribe link. With a ``kind`` (``app.mail.kinds.Kind``) the message is for the
    account ``user_id``: nothing is written (None is returned) if they opted out of that kind,
    and the message carries ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` (RFC 8058) and
    an unsubscribe line at the end of both bodies."""
    unsubscribe = None
    if kind is not None:
        if user_id is None:
            raise ValueError("mail of a kind needs the user_id it is for")
        if optout.opted_out(user_id, kind):
            return None
        unsubscribe = optout.unsubscribe_url(user_id, kind)
    subject, text, html = render_mail(template, locale, unsubscribe_url=unsubscribe, **context)
    message = OutboxMessage(
        message_id=_message_id(),
        to_address=to,
        subject=subject,
        text_body=text,
        html_body=html,
        unsubscribe_url=unsubscribe,
    )
    db.session.add(message)
    db.session.flush()
    on_commit(deliver_mail, message.id)
    return message


def queue_many(letters: Sequence[Letter], kind: Kind) -> list[int]:
    """``queue`` for a batch of non-essential messages of one ``kind``, in a fixed number of
    statements whatever its size (one to read the opt-outs, one multi-row INSERT): the ids of
    the outbox rows written, leaving out the people who opted out."""
    stopped = optout.opted_out_among({letter.user_id for letter in letters}, kind)
    rows = []
    for letter in letters:
        if letter.user_id in stopped:
            continue
        unsubscribe = optout.unsubscribe_url(letter.user_id, kind)
        subject, text, html = render_mail(
            letter.template, letter.locale, unsubscribe_url=unsubscribe, **letter.context
        )
        rows.append(
            {
                "message_id": _message_id(),
                "to_address": letter.to,
                "subject": subject,
                "text_body": text,
                "html_body": html,
                "unsubscribe_url": unsubscribe,
            }
        )
    if not rows:
        return []
    ids = list(db.session.scalars(db.insert(OutboxMessage).returning(OutboxMessage.id), rows))
    for message_id in ids:
        on_commit(deliver_mail, message_id)
    return ids
