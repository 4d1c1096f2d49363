"""Audit event codes that are security events, and their labels for admins.

``LABELS`` maps an event code to its translated label (lazy, so each admin reads it in their
own language); the audit page shows the code itself for any code it does not know.
``SECURITY_EVENTS`` is what the audit log's "Security events" filter selects; these events are
also written to the server log as one JSON line each (``app.audit.services.record``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LOGIN_SUCCEEDED = "auth.login_succeeded"
LOGIN_FAILED = "auth.login_failed"
LOGOUT = "auth.logout"
RATE_LIMITED = "auth.rate_limited"
PASSWORD_RESET_REQUESTED = "auth.password_reset_requested"  # noqa: S105 (an event code)
PASSWORD_RESET = "user.password_reset"  # noqa: S105 (done; the code predates this module)
PASSWORD_CHANGED = "auth.password_changed"  # noqa: S105 (an event code)
PASSWORD_CHANGE_FAILED = "auth.password_change_failed"  # noqa: S105 (an event code)
EMAIL_CONFIRMED = "auth.email_confirmed"
INVITATION_SENT = "auth.invitation_sent"
INVITATION_ACCEPTED = "auth.invitation_accepted"
DEACTIVATED = "user.deactivated"
REACTIVATED = "user.reactivated"
ACCESS_DENIED = "access.denied"

LABELS = {
    LOGIN_SUCCEEDED: _l("Signed in"),
    LOGIN_FAILED: _l("Failed sign-in"),
    LOGOUT: _l("Signed out"),
    RATE_LIMITED: _l("Too many attempts (blocked)"),
    PASSWORD_RESET_REQUESTED: _l("Password reset requested"),
    PASSWORD_RESET: _l("Password reset"),
    PASSWORD_CHANGED: _l("Password changed"),
    PASSWORD_CHANGE_FAILED: _l("Password change refused (wrong current password)"),
    EMAIL_CONFIRMED: _l("Email address confirmed"),
    INVITATION_SENT: _l("Invitation sent"),
    INVITATION_ACCEPTED: _l("Invitation accepted"),
    DEACTIVATED: _l("Account deactivated"),
    REACTIVATED: _l("Account reactivated"),
    ACCESS_DENIED: _l("Access denied"),
}

SECURITY_EVENTS = frozenset(LABELS)

# Filters on the audit page: category -> (label, the event codes it selects).
CATEGORIES = {"security": (_l("Security events"), SECURITY_EVENTS)}
