"""Error pages in the visitor's language; JSON for API clients; never a stack trace."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.audit.services import record_denied
from app.extensions import db

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Please go back and try again."),
    ),
    401: (_l("Please log in"), _l("You need to log in to see this.")),
    403: (_l("Access denied"), _l("You do not have access to this page.")),
    404: (
        _l("Page not found"),
        _l("There is no page at this address. Check the link, or start from the home page."),
    ),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    # A service's refusal always brings its own message.
    422: (
        _l("Not saved"),
        _l("The request could not be understood. Please go back and try again."),
    ),
    409: (
        _l("Changed meanwhile"),
        _l(
            "Someone changed this while you were working on it. "
            "Reload the page to see the latest version."
        ),
    ),
    503: (
        _l("Busy right now"),
        _l(
            "Many changes arrived at the same moment and yours could not be saved. "
            "Nothing was changed. Wait a few seconds and send it again."
        ),
    ),
    413: (_l("Too large"), _l("What you sent is too large.")),
    429: (
        _l("Too many attempts"),
        _l("Too many attempts in a short time. Please wait a minute and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An error occurred on our side. It has been logged; please try again later."),
    ),
}


class DomainError(Exception):
    """A service refused a change: ``str(error)`` is a translated message for the user (empty
    for the status's own message), and nothing was changed. Services raise these instead of
    reading the request or calling ``abort``; a route catches one where it can answer better
    (its form shown again with the message), and ``register`` turns the rest into pages."""

    status = 422


class NotFoundError(DomainError):
    """What was asked for does not exist, or is not the user's to see: answered like a missing
    page, so ids cannot be probed."""

    status = 404


class RefusedError(DomainError):
    """Not allowed (now): a 403, written to the audit log with ``reason`` like every refusal."""

    status = 403

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class ConflictError(DomainError):
    """The thing changed since the form was loaded (a stale version, already submitted or
    graded, claimed by someone else): a 409 page with the service's message."""

    status = 409


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def render_error(code: int, message: str | None = None, *, resend: bool = True):
    """The error page (or JSON); ``resend=False`` leaves out the "Send again" form, for a refusal
    that sending the same form again cannot change (a stale version stays stale)."""
    title, default = MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    text = message or str(default)
    if _wants_json():
        return jsonify(error=str(title), message=text, request_id=g.get("request_id")), code
    fields = _resend_fields(code) if resend else None
    return render_template(
        "errors/error.html", code=code, title=title, message=text, resend=fields
    ), code


# --- concurrent requests --------------------------------------------------------------------

# PostgreSQL: unique violation, serialization failure, deadlock, lock not available.
CONFLICT_SQLSTATES = {"23505", "40001", "40P01", "55P03"}
RETRY_AFTER_SECONDS = 2
CONCURRENT_MESSAGE = _l(
    "Someone else changed this at the same moment (perhaps in another tab, or a double click). "
    "What you sent was not saved. Reload the page to see the latest version, then try again."
)


def concurrency_status(error: BaseException) -> int | None:
    """409 when ``error`` is a conflict with a concurrent request (a stale optimistic version,
    a unique key another request took first, a serialization failure or deadlock); 503 when
    SQLite's write lock could not be had in time; None for anything else."""
    error = getattr(error, "original_exception", None) or error
    if isinstance(error, StaleDataError):
        return 409
    if not isinstance(error, DBAPIError):
        return None
    original = error.orig
    if getattr(original, "sqlstate", None) in CONFLICT_SQLSTATES:
        return 409
    text = str(original)
    if isinstance(error, IntegrityError) and text.startswith("UNIQUE constraint failed"):
        return 409
    if isinstance(error, OperationalError) and text in ("database is locked", "database is busy"):
        return 503
    return None


def concurrency_response(error: BaseException) -> Response | None:
    """The page for a request that lost a race (None if ``error`` is not such a failure). The
    caller has rolled back; the after-request hook discards stored files and queued mail."""
    code = concurrency_status(error)
    if code is None:
        return None
    db.session.rollback()
    g.read_only = True  # rendering the page must not queue for SQLite's write lock again
    current_app.logger.warning(
        "concurrent request lost (%s), request %s: %s", code, g.get("request_id"), error
    )
    message = str(CONCURRENT_MESSAGE) if code == 409 else None
    response = make_response(render_error(code, message))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _resend_fields(code: int) -> list[tuple[str, str]] | None:
    """The fields of a form that could not be saved, to send again from the error page (files
    cannot be kept; the CSRF token is the page's own)."""
    if code not in (409, 503) or request.method != "POST" or not request.form:
        return None
    return [(k, v) for k, values in request.form.lists() if k != "csrf_token" for v in values]


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        db.session.rollback()
        return render_error(
            400, str(_l("The form had expired. Please reload the page and submit it again."))
        )

    @app.errorhandler(DomainError)
    def refused(error: DomainError):
        """A service's refusal that its route left to this page (the request rolls back)."""
        db.session.rollback()
        if isinstance(error, ConflictError):
            g.read_only = True  # the page only reads: no queueing for SQLite's write lock again
        if isinstance(error, RefusedError):
            record_denied(error.reason)
        return render_error(error.status, str(error) or None, resend=False)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        if error.code and error.code >= 500:
            return server_error(error)
        return render_error(error.code or 400)

    @app.errorhandler(Exception)
    def server_error(error):
        db.session.rollback()
        conflict = concurrency_response(error)
        if conflict is not None:
            return conflict
        if not isinstance(error, HTTPException) or isinstance(error, InternalServerError):
            app.logger.exception("unhandled error, request %s", g.get("request_id"))
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return render_error(500)
