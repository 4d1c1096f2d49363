"""Opting out of a kind of mail, and the signed one-click unsubscribe links (RFC 8058).

An unsubscribe link carries ``[user id, kind]`` signed with the app's secret key
(itsdangerous): it works without signing in, cannot be changed to unsubscribe someone else or
from another kind, and never expires (a link in an old email still works, as RFC 8058 expects).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.extensions import db
from app.links import external_url
from app.mail.kinds import Kind, parse
from app.mail.models import MailOptOut
from app.unit_of_work import add_or_take_winner

SALT = "tekser.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(user_id: int, kind: Kind) -> str:
    return _serializer().dumps([user_id, str(kind)])


def read_token(token: str) -> tuple[int, Kind] | None:
    """``(user id, kind)`` from a link's token, or None if it was not made here."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], int)):
        return None
    kind = parse(data[1])
    return (data[0], kind) if kind is not None else None


def unsubscribe_url(user_id: int, kind: Kind) -> str:
    return external_url("auth.unsubscribe", token=make_token(user_id, kind))


def opted_out(user_id: int, kind: Kind) -> bool:
    return (
        db.session.scalar(
            db.select(MailOptOut.id).where(MailOptOut.user_id == user_id, MailOptOut.kind == kind)
        )
        is not None
    )


def opted_out_among(user_ids: Iterable[int], kind: Kind) -> set[int]:
    """Which of ``user_ids`` opted out of ``kind`` (one query, for a batch)."""
    ids = list(user_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            db.select(MailOptOut.user_id).where(
                MailOptOut.user_id.in_(ids), MailOptOut.kind == kind
            )
        )
    )


def kinds_opted_out(user_id: int) -> set[Kind]:
    rows = db.session.scalars(db.select(MailOptOut.kind).where(MailOptOut.user_id == user_id))
    return {kind for kind in map(parse, rows) if kind is not None}


def opt_out(user_id: int, kind: Kind) -> bool:
    """Stop mail of ``kind`` to the user; False if they had already (twice is harmless: two
    clicks, or the mail client's POST and the person's)."""
    _, inserted = add_or_take_winner(
        MailOptOut(user_id=user_id, kind=str(kind)),
        lambda: db.session.scalar(
            db.select(MailOptOut).where(MailOptOut.user_id == user_id, MailOptOut.kind == kind)
        ),
    )
    return inserted


def opt_in(user_id: int, kind: Kind) -> bool:
    """Send mail of ``kind`` again; False if it was not stopped."""
    result = db.session.execute(
        db.delete(MailOptOut)
        .where(MailOptOut.user_id == user_id, MailOptOut.kind == kind)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def set_preferences(user_id: int, wanted: dict[Kind, bool]) -> None:
    """Apply a preferences form: for each kind, whether the person wants it."""
    for kind, on in wanted.items():
        if on:
            opt_in(user_id, kind)
        else:
            opt_out(user_id, kind)
