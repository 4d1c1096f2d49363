"""Accounts: registration, sign-in, passwords, email confirmation, roles."""

from __future__ import annotations

import hmac
import unicodedata
from collections.abc import Iterable
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import lazyload
from werkzeug.security import check_password_hash, generate_password_hash

from app import mail
from app.audit import events
from app.audit.services import clean_text, record
from app.auth import password_resets, sessions, tokens
from app.auth.feeds import new_calendar_token as new_calendar_token
from app.auth.feeds import revoke_calendar_token as revoke_calendar_token
from app.auth.feeds import user_for_calendar_token as user_for_calendar_token
from app.auth.identity import signed_in_id as signed_in_id
from app.auth.invitations import issue_invitation_token as issue_invitation_token
from app.auth.jobs import send_password_reset
from app.auth.models import EMAIL_MAX, NAME_MAX, RoleGrant, User
from app.auth.sessions import end_all_sessions as end_all_sessions
from app.db import utcnow
from app.extensions import db
from app.jobs import on_commit
from app.links import external_url
from app.policy import Role

_dummy_hashes: dict[str, str] = {}


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _spend_verify_time(password: str) -> None:
    """Verify against a dummy hash, so "unknown email" takes as long as "wrong password"."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash("tekser-timing", method=method)
    check_password_hash(_dummy_hashes[method], password)


class AccountError(ValueError):
    """A rule about accounts was broken; ``str(error)`` is a translated message."""


def normalise_email(raw: str) -> str:
    """Lower-cased ASCII form of an address; raise ``AccountError`` for anything unsafe.

    Non-ASCII local parts are refused (they are where look-alike letters and zero-width
    characters hide); international domains are kept in their ASCII (punycode) form.
    """
    # Imported here: a web worker serving pages to signed-in users never checks an address
    # (issue 19, a worker's memory).
    from email_validator import EmailNotValidError, validate_email

    raw = (raw or "").strip()
    if not raw or len(raw) > EMAIL_MAX:
        raise AccountError(_l("Enter a valid email address."))
    try:
        checked = validate_email(raw, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise AccountError(_l("Enter a valid email address.")) from exc
    email = (checked.ascii_email or "").lower()
    if not email or len(email) > EMAIL_MAX or not email.isascii():
        raise AccountError(_l("Enter a valid email address."))
    return email


_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


def clean_name(raw: str) -> str:
    """The name as the person wrote it: NFC, spaces tidied, no invisible or control characters."""
    name = " ".join(unicodedata.normalize("NFC", raw or "").split())
    if not name:
        raise AccountError(_l("Enter your name."))
    if len(name) > NAME_MAX:
        raise AccountError(_l("The name is too long."))
    if any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in name):
        raise AccountError(_l("The name contains invisible or control characters."))
    return name


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def create_user(
    *,
    email: str,
    name: str,
    password: str | None,
    roles: Iterable[Role] = (Role.STUDENT,),
    locale: str | None = None,
    verified: bool = False,
) -> User:
    user = User(
        email=normalise_email(email),
        name=clean_name(name),
        password_hash=hash_password(password) if password else None,
        locale=locale,
        email_verified_at=utcnow() if verified else None,
    )
    user.grants = [RoleGrant(role=Role(role)) for role in dict.fromkeys(roles)]
    db.session.add(user)
    db.session.flush()
    return user


def register(*, name: str, email: str, password: str, locale: str, next_url: str | None) -> None:
    """Start a registration. The caller shows the same answer whether the email is known or not:
    a new address gets a confirmation link, a known one a note that the account exists."""
    email = normalise_email(email)
    existing = find_by_email(email)
    if existing is not None:
        hash_password(password)  # the same work as the other branch
        mail.queue(
            existing.email,
            "account_exists",
            existing.locale or locale,
            user=existing,
            login_url=external_url("auth.login"),
            reset_url=external_url("auth.forgot_password"),
        )
        return
    user = create_user(email=email, name=name, password=password, locale=locale)
    send_confirmation(user, next_url)


def send_confirmation(user: User, next_url: str | None = None) -> None:
    token = tokens.make(tokens.VERIFY, {"u": user.id, "e": user.email, "n": next_url or ""})
    mail.queue(
        user.email,
        "confirm_email",
        user.locale,
        user=user,
        url=external_url("auth.confirm_email", token=token),
    )


def _confirmation(token: str, max_age: int) -> tuple[User, dict[str, Any]] | None:
    payload = tokens.read(tokens.VERIFY, token, max_age)
    if payload is None:
        return None
    user = db.session.get(User, payload.get("u"))
    if user is None or user.email != payload.get("e") or not user.active:
        return None
    return user, payload


def confirmation_account_id(token: str, max_age: int) -> int | None:
    """The account a well-signed confirmation link names (for rate limiting), or None."""
    payload = tokens.read(tokens.VERIFY, token, max_age)
    return payload.get("u") if payload else None


def confirm_email(token: str, max_age: int) -> tuple[User, str | None] | None:
    """Mark the address confirmed; return the user and where they were going, or None.

    The link works once: it signs its holder in, so a forwarded or leaked old confirmation
    email must not stay a way into the account for days after the address was confirmed.
    """
    found = _confirmation(token, max_age)
    if found is None or found[0].email_verified_at is not None:
        return None
    user, payload = found
    user.email_verified_at = utcnow()
    record(events.EMAIL_CONFIRMED, actor=user, target=user, outcome="success")
    return user, payload.get("n") or None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None, in about the same time.
    A refusal is recorded as a failed sign-in (with the address as typed, never the password)."""
    submitted = email
    try:
        email = normalise_email(email)
    except AccountError:
        _spend_verify_time(password)
        login_failed(submitted, "invalid_address")
        return None
    user = find_by_email(email)
    if user is None or user.password_hash is None:
        _spend_verify_time(password)
        login_failed(submitted, "unknown_account" if user is None else "no_password", user)
        return None
    if not check_password_hash(user.password_hash, password):
        login_failed(submitted, "wrong_password", user)
        return None
    if not user.active:
        login_failed(submitted, "deactivated", user)
        return None
    return user


def login_failed(submitted_email: str, reason: str, user: User | None = None) -> None:
    record(
        events.LOGIN_FAILED,
        actor=None,
        target=user,
        outcome="failure",
        reason=reason,
        email=clean_text(submitted_email),
    )


def log_in(user: User) -> None:
    """Start a login session for ``user`` and record the sign-in."""
    sessions.start_session(user)
    record(events.LOGIN_SUCCEEDED, actor=user, target=user, outcome="success")


def log_out(user: User) -> None:
    record(events.LOGOUT, actor=user, target=user, outcome="success")
    sessions.end_session()


def change_password(user: User, current: str, new: str) -> None:
    if user.password_hash is None or not check_password_hash(user.password_hash, current):
        record(
            events.PASSWORD_CHANGE_FAILED,
            actor=user,
            target=user,
            outcome="failure",
            reason="wrong_password",
        )
        raise AccountError(_l("The current password is not correct."))
    set_password(user, new)
    sessions.start_session(user)
    record(events.PASSWORD_CHANGED, actor=user, target=user, outcome="success")


def set_password(user: User, new: str) -> None:
    """Store a new password and end every login the user had."""
    user.password_hash = hash_password(new)
    sessions.end_all_sessions(user)


def accept_invitation(user: User, password: str) -> None:
    """Set the first password, use up the link, and sign the person in."""
    set_password(user, password)
    user.invitation_token_hash = None
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the link came to this address
    sessions.start_session(user)
    record(events.INVITATION_ACCEPTED, actor=user, target=user, outcome="success")


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists; otherwise do nothing, visibly the same.

    Both paths do the same work here: one lookup, one audit row, one reset request row, and its
    job enqueued at commit (``send_password_reset``, which writes the mail, or does nothing for
    no account). No mail is rendered, written or sent inside the request, so its timing tells
    nobody which it was; the request row keeps it until the job has written the mail."""
    try:
        address = normalise_email(email)
    except AccountError:
        address = None
    # The account alone, one SELECT: not its roles (loaded with it elsewhere), whose extra
    # query only a known address would cost.
    user = (
        db.session.scalar(select(User).where(User.email == address).options(lazyload(User.grants)))
        if address is not None
        else None
    )
    known = user is not None and user.active
    record(
        events.PASSWORD_RESET_REQUESTED,
        actor=None,
        target=user,
        outcome="sent" if known else "ignored",
        **({} if known else {"reason": "unknown_account" if user is None else "deactivated"}),
        email=clean_text(email),
    )
    reset = password_resets.add_request(user.id if user is not None and known else None)
    on_commit(send_password_reset, reset.id)


def reset_account_id(token: str, max_age: int) -> int | None:
    """The account a well-signed reset link names (for rate limiting), or None."""
    payload = tokens.read(tokens.RESET, token, max_age)
    return payload.get("u") if payload else None


def user_for_reset(token: str, max_age: int) -> User | None:
    payload = tokens.read(tokens.RESET, token, max_age)
    if payload is None:
        return None
    user = db.session.get(User, payload.get("u"))
    if user is None or not user.active:
        return None
    expected = tokens.password_fingerprint(user.password_hash)
    if not hmac.compare_digest(expected, str(payload.get("h", ""))):
        return None  # used already: the password changed since the link was made
    return user


def reset_password(user: User, new: str) -> None:
    set_password(user, new)
    # Following the emailed link proves the address.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    record(events.PASSWORD_RESET, actor=user, target=user, outcome="success")


def set_locale(user: User, locale: str) -> None:
    user.locale = locale


def admins_count() -> int:
    return (
        db.session.scalar(
            db.select(db.func.count())
            .select_from(RoleGrant)
            .join(User)
            .where(RoleGrant.role == Role.ADMIN, User.active.is_(True))
        )
        or 0
    )


def set_roles(user: User, roles: Iterable[Role], *, actor: User | None = None) -> None:
    """Give ``user`` exactly ``roles``; never leaves the platform without an active admin."""
    wanted = {Role(role) for role in roles}
    before = user.roles
    if Role.ADMIN in before and Role.ADMIN not in wanted and user.active and admins_count() <= 1:
        raise AccountError(
            _l("This is the last administrator; make someone else an administrator first.")
        )
    user.grants = [g for g in user.grants if g.role in wanted]
    for role in wanted - before:
        user.grants.append(RoleGrant(role=role))
    db.session.flush()
    if wanted != before:
        record(
            "user.roles_changed",
            actor=actor,
            target=user,
            before=sorted(before),
            after=sorted(wanted),
        )
