"""The session cookie is sent again once a day, not on every response (issue 19).

A signed-in session is permanent (``PERMANENT_SESSION_LIFETIME``, 14 days by default) and its
expiry slides: Flask re-signs the cookie and sends ``Set-Cookie`` on every response to move the
expiry along. Moving it once a day keeps the same sliding fortnight (13 to 14 days after the
last visit instead of exactly 14), while most responses carry no ``Set-Cookie`` (some 250 bytes
on a slow connection) and cost no signing. A session that changed (login, a CSRF token, a
language, a stamp of ADR 0024) is sent at once, as before.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask.sessions import SecureCookieSessionInterface

REFRESHED = "_day"  # the UTC day (an ordinal) the cookie's expiry was last moved on


def today() -> int:
    return datetime.now(UTC).date().toordinal()


class DailyRefreshSessionInterface(SecureCookieSessionInterface):
    def should_set_cookie(self, app, session) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        return session.get(REFRESHED) != today()

    def save_session(self, app, session, response) -> None:
        if session and session.permanent and self.should_set_cookie(app, session):
            session[REFRESHED] = today()
        super().save_session(app, session, response)
