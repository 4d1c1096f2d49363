"""The signed-in session cookie's expiry slides once a day, not on every response (issue 19,
app/auth/cookie.py): same-day pages carry no ``Set-Cookie``; the next day's first page moves the
expiry 14 days on; a changed session is sent at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from app.auth import cookie
from tests.auth.test_sessions import log_in


def _expiry(response) -> datetime:
    header = response.headers["Set-Cookie"]
    value = next(p.split("=", 1)[1] for p in header.split("; ") if p.startswith("Expires="))
    return parsedate_to_datetime(value)


def test_same_day_pages_do_not_resend_the_cookie(client, make_user):
    make_user(email="a@example.com")
    assert "Set-Cookie" in log_in(client, "a@example.com").headers  # the login sets it
    # The first page after the login makes the new session's CSRF token: a changed session is
    # sent at once.
    assert "Set-Cookie" in client.get("/dashboard").headers
    for _ in range(3):
        response = client.get("/dashboard")
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
    assert client.get("/account").status_code == 200  # still signed in


def test_the_next_day_moves_the_expiry_a_fortnight_on(client, make_user, monkeypatch):
    make_user(email="a@example.com")
    log_in(client, "a@example.com")
    client.get("/dashboard")
    tomorrow = cookie.today() + 1
    monkeypatch.setattr(cookie, "today", lambda: tomorrow)
    response = client.get("/dashboard")
    assert response.status_code == 200
    expires = _expiry(response)
    assert abs(expires - (datetime.now(UTC) + timedelta(days=14))) < timedelta(minutes=5)
    assert "Set-Cookie" not in client.get("/dashboard").headers  # once that day
